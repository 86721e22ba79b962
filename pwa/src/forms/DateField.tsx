/**
 * A date input of our own: the volunteer types digits, the slashes appear by themselves
 * (dd/mm/yyyy), whatever the browser's language — not `<input type=date>`, whose format follows
 * the browser's locale (12/08/1994 is 8 December in an English browser). The value given to
 * `onValue` is ISO `YYYY-MM-DD` once the text is a real date, the unfinished text otherwise (so
 * validation reports it, SPEC-forms FRM8), and undefined when empty.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { formatDate, formatTyping, parseDate } from './dates';

export interface DateFieldProps {
  id: string;
  name?: string;
  value: unknown;
  onValue: (value: string | undefined) => void;
  required?: boolean;
  'aria-invalid'?: 'true' | undefined;
  'aria-describedby'?: string | undefined;
}

/** The form value for what the field shows. */
export function dateValueOf(text: string): string | undefined {
  if (text === '') return undefined;
  return parseDate(text) ?? text;
}

export function DateField(props: DateFieldProps): JSX.Element {
  const shown = typeof props.value === 'string' ? formatDate(props.value) : '';
  const [typed, setText] = useState(shown);
  // What was typed, while it still means the form's value; a value set from outside (prefill,
  // another member picked, a CCCD scan) replaces it. Derived at render, so no update is missed.
  const own = dateValueOf(typed) === props.value || (typed === '' && props.value === undefined);
  const text = own ? typed : shown;
  const { onValue, value: _v, ...rest } = props;
  return (
    <input
      {...rest}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      placeholder="dd/mm/yyyy"
      maxLength={10}
      value={text}
      onInput={(e) => {
        const input = e.currentTarget as HTMLInputElement;
        const next = formatTyping(input.value);
        if (input.value !== next) input.value = next;
        setText(next);
        onValue(dateValueOf(next));
      }}
    />
  );
}
