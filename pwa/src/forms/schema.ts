/**
 * Types of a procedure form as written in the catalogue (docs/catalog-format.md,
 * backend/catalog/model.py). The renderer only reads these; it never mutates a schema.
 * The rules themselves (visibility, validation, prefill) live in src/sync/forms.ts.
 */
import type { JsonObject } from '../sync/forms';

export interface LocalizedText {
  vi: string;
  en?: string;
}

export type FieldType = 'text' | 'number' | 'date' | 'select' | 'cccd' | 'phone' | 'member' | 'repeat';

export type ConditionOp = 'equals' | 'not_equals' | 'in' | 'filled' | 'empty';

export type Scalar = string | number;

export interface FieldCondition {
  field: string;
  op: ConditionOp;
  value?: Scalar | Scalar[];
}

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] };

export interface Rules {
  min_length?: number;
  max_length?: number;
  pattern?: string;
  pattern_message?: LocalizedText;
  /** Integer for numbers; ISO date or "today" for dates. */
  min?: number | string;
  max?: number | string;
  integer?: boolean;
}

export interface Option {
  value: string;
  label: LocalizedText;
}

export interface FormField {
  key: string;
  type: FieldType;
  label: LocalizedText;
  help?: LocalizedText;
  required?: boolean;
  rules?: Rules;
  show_if?: Condition;
  /** Prefill path (SPEC-forms PRE1), e.g. "household.address" or "relation:vo.full_name". */
  prefill?: string;
  merge?: 'identity' | 'lww' | 'server';
  sensitive?: boolean; // special-category personal data (branch pdp, docs/privacy.md)
  options?: Option[];
  /** PRE7: when the applicant is the member picked in `field`, a select takes `value`. */
  applicant_role?: { field: string; value: string }[];
  /** Item fields of a `repeat`. */
  fields?: FormField[];
  min_items?: number;
  max_items?: number;
}

/**
 * Form data exactly as it will be cleaned, validated and signed: JSON values, integers for
 * `number` fields, lists of objects for repeats. A key the user cleared is absent.
 */
export type FormValues = JsonObject;

/** Procedure file (backend/catalog/procedures/<code>.v<version>.json), the parts the PWA reads. */
export interface ProcedureDefinition {
  format?: number;
  code: string;
  version: number;
  name: LocalizedText;
  form: { fields: FormField[]; sections?: FormSection[] };
}

/** One step of the form wizard (SPEC-forms SEC1). */
export interface FormSection {
  key: string;
  title: LocalizedText;
  fields: string[];
}
