// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../src/officer/i18n/en';
import { vi } from '../src/officer/i18n/vi';
import { vi as appVi } from '../src/i18n/vi';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('officer message catalogues', () => {
  it('have exactly the same keys in Vietnamese and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it('hold only non-empty NFC text in both languages', () => {
    for (const catalogue of [vi, en] as Record<string, string>[]) {
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.normalize('NFC'), key).toBe(text);
        expect(text.trim(), key).not.toBe('');
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(vi[key]));
    }
  });

  it('cover every key the console asks for', () => {
    const dir = join(process.cwd(), 'src', 'officer');
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : /\.tsx?$/.test(e.name) ? [join(d, e.name)] : []));
    const used = new Set<string>();
    for (const f of files(dir)) for (const m of readFileSync(f, 'utf8').matchAll(/\bot\('([a-z_.0-9]+)'/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in vi))).toEqual([]);
  });

  it('stay out of the volunteer catalogue (volunteers never download officer strings)', () => {
    const officerOnly = Object.keys(vi).filter((k) => k.startsWith('dash.') || k.startsWith('dev.ticket') || k.startsWith('supplement.err'));
    expect(officerOnly.length).toBeGreaterThan(10);
    expect(officerOnly.filter((k) => k in appVi)).toEqual([]);
  });
});
