/**
 * The member add/edit form: the core's member fields (src/sync/records.ts, twin of
 * sync/records.py — the one definition the server, the sync path and the CSV import use) in the
 * catalogue form format, so it goes through the same renderer and validation as procedure forms.
 * Only the labels are added here, from the i18n catalogues.
 */
import type { MessageKey } from '../i18n';
// Both languages are stored with the form's labels; this module is in a lazy chunk (MemberEdit).
import { en } from '../i18n/en';
import { vi } from '../i18n/vi';
import type { FormField, FormValues, LocalizedText } from '../forms/schema';
import { MEMBER_FIELD_KEYS, type MemberFields } from '../store/repo';
import type { MemberRow } from '../store/types';
import { MEMBER_FIELDS } from '../sync/records';

const text = (key: MessageKey): LocalizedText => ({ vi: vi[key], en: en[key] });

const OPTION_LABELS: Record<string, (code: string) => MessageKey> = {
  relationship: (code) => `rel.${code}` as MessageKey,
  sex: (code) => `member.sex_${code}` as MessageKey,
};

export function memberFormFields(): FormField[] {
  return MEMBER_FIELDS.map((f) => {
    const field: FormField = { key: f.key, type: f.type, label: text(`member.${f.key}` as MessageKey) } as FormField;
    if (f.required) field.required = true;
    if (f.rules) field.rules = { ...f.rules } as FormField['rules'];
    if (f.options) field.options = f.options.map((code) => ({ value: code, label: text(OPTION_LABELS[f.key]!(code)) }));
    return field;
  });
}

export function memberToValues(member: MemberRow | undefined): FormValues {
  const out: Record<string, unknown> = {};
  if (!member) return out;
  for (const key of MEMBER_FIELD_KEYS) {
    const value = member[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

export function valuesToMember(values: FormValues): MemberFields {
  const s = (key: string): string => {
    const v = values[key];
    return typeof v === 'string' ? v.trim() : '';
  };
  const sex = s('sex');
  return {
    full_name: s('full_name'),
    relationship: s('relationship'),
    date_of_birth: s('date_of_birth') || undefined,
    sex: sex === 'male' || sex === 'female' ? sex : undefined,
    cccd: s('cccd') || undefined,
    phone: s('phone') || undefined,
    ethnicity: s('ethnicity') || undefined,
    notes: s('notes') || undefined,
  };
}
