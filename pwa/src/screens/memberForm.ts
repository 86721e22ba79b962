/**
 * The member add/edit form, written in the catalogue form format so it goes through the same
 * renderer and validation as procedure forms. Field keys are the backend member fields
 * (backend/households/schemas.py); labels come from the i18n catalogues. Text limits are the
 * ones the server enforces (sync/SPEC.md TXT4), and every text value obeys the text rule (FRM14).
 */
import { CATALOGUES, type MessageKey } from '../i18n';
import type { FormField, FormValues, LocalizedText } from '../forms/schema';
import { MEMBER_FIELD_KEYS, type MemberFields } from '../store/repo';
import type { MemberRow } from '../store/types';
import { TEXT_LIMITS } from '../sync/text';

const text = (key: MessageKey): LocalizedText => ({ vi: CATALOGUES.vi[key], en: CATALOGUES.en[key] });

/** Relationship codes accepted by the backend, head first. */
export const RELATIONSHIPS = ['chu_ho', 'vo', 'chong', 'con', 'bo', 'me', 'ong', 'ba', 'chau', 'anh_chi_em', 'khac'] as const;

export function memberFormFields(): FormField[] {
  return [
    { key: 'full_name', type: 'text', label: text('member.full_name'), required: true, rules: { max_length: TEXT_LIMITS['member.full_name'] } },
    {
      key: 'relationship',
      type: 'select',
      label: text('member.relationship'),
      required: true,
      options: RELATIONSHIPS.map((code) => ({ value: code, label: text(`rel.${code}`) })),
    },
    { key: 'date_of_birth', type: 'date', label: text('member.date_of_birth'), rules: { min: '1900-01-01', max: 'today' } },
    {
      key: 'sex',
      type: 'select',
      label: text('member.sex'),
      options: [
        { value: 'male', label: text('member.sex_male') },
        { value: 'female', label: text('member.sex_female') },
      ],
    },
    { key: 'cccd', type: 'cccd', label: text('member.cccd') },
    { key: 'phone', type: 'phone', label: text('member.phone') },
    { key: 'ethnicity', type: 'text', label: text('member.ethnicity'), rules: { max_length: TEXT_LIMITS['member.ethnicity'] } },
    { key: 'notes', type: 'text', label: text('member.notes'), rules: { max_length: TEXT_LIMITS['member.notes'] } },
  ];
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
