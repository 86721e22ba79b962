// @vitest-environment node
/**
 * Runs the language-neutral vectors of sync/vectors/forms.json (shared with the Python core)
 * against the TypeScript twin src/sync/forms.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cleanForm,
  fieldRules,
  FormError,
  formSections,
  parsePrefill,
  resolvePrefill,
  sectionViews,
  validateForm,
  visibleFields,
  type JsonObject,
} from '../src/sync/forms';

interface Case extends JsonObject {
  id: string;
  rule: string;
  comment: string;
  kind: string;
}

const file = JSON.parse(readFileSync(new URL('../../sync/vectors/forms.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

function run(c: Case): unknown {
  switch (c.kind) {
    case 'validate':
      return validateForm(c.schema, c.data as JsonObject, c.today as string, c.member_ids as string[] | undefined).map(
        ({ path, code }) => ({ path, code }),
      );
    case 'visible':
      return visibleFields(c.schema, c.data as JsonObject, (c.root ?? undefined) as JsonObject | undefined);
    case 'clean':
      return cleanForm(c.schema, c.data as JsonObject);
    case 'prefill':
      return resolvePrefill(
        c.schema,
        c.applicant as JsonObject | null,
        c.head as JsonObject | null,
        c.household as JsonObject | null,
        c.members as JsonObject[],
        c.chosen as Record<string, string>,
      );
    case 'merge_rules':
      return fieldRules(c.schema);
    case 'prefill_path':
      try {
        return parsePrefill(c.path as string);
      } catch (e) {
        if (e instanceof FormError) return { error: e.code };
        throw e;
      }
    case 'sections':
      try {
        return formSections(c.schema, c.sections).map(([key, fields]) => ({ key, fields }));
      } catch (e) {
        if (e instanceof FormError) return { error: e.code };
        throw e;
      }
    case 'section_views':
      return sectionViews(c.schema, c.sections, c.data as JsonObject, c.prefill as JsonObject, c.today as string, c.member_ids as string[] | undefined);
    default:
      throw new Error(`unknown vector kind ${c.kind}`);
  }
}

describe('sync/vectors/forms.json', () => {
  it('has cases', () => {
    expect(file.cases.length).toBeGreaterThan(0);
  });

  it.each(file.cases.map((c) => [`${c.id} ${c.rule} ${c.comment}`, c] as const))('%s', (_name, c) => {
    expect(run(c)).toEqual(c.expected);
  });
});
