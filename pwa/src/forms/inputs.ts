/**
 * What the input widgets do to typed text before it enters form data. Validation (src/sync/forms)
 * never normalises, so the widgets do: NFC for text (some keyboards emit decomposed Vietnamese),
 * +84 → 0 for phones (SPEC-forms FRM11), integers for numbers (no floats in signed data).
 * `undefined` means "no value": the key is removed from the data.
 */
import type { FieldType } from './schema';

export function inputToValue(type: FieldType, text: string): unknown {
  switch (type) {
    case 'number': {
      const t = text.trim();
      if (t === '') return undefined;
      // Keep unparsable text as a string so validation reports it instead of silently dropping it.
      return /^-?[0-9]+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t;
    }
    case 'phone': {
      const t = text.replace(/[\s.()-]/g, '').replace(/^\+84/, '0');
      return t === '' ? undefined : t;
    }
    case 'cccd': {
      const t = text.replace(/\s/g, '');
      return t === '' ? undefined : t;
    }
    default:
      return text === '' ? undefined : text.normalize('NFC');
  }
}

/** Text shown in an input for a data value. */
export function valueToInput(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '';
}
