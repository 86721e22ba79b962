import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../src/i18n/en';
import { vi } from '../src/i18n/vi';
import { format, getLang, localized, onLangChange, setLang, t } from '../src/i18n';

describe('catalogues', () => {
  it('have exactly the same keys in vi and en', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it('hold only NFC, non-empty Vietnamese strings', () => {
    for (const [key, text] of Object.entries(vi)) {
      expect(text.normalize('NFC'), key).toBe(text);
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
    for (const key of Object.keys(vi) as (keyof typeof vi)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(vi[key]));
    }
  });
});

describe('t and language switch', () => {
  afterEach(() => setLang('vi'));

  it('defaults to Vietnamese', () => {
    expect(getLang()).toBe('vi');
    expect(t('login.title')).toBe('Đăng nhập');
  });

  it('fills parameters and leaves unknown ones visible', () => {
    expect(t('households.result_count', { count: 3 })).toBe('3 hộ');
    expect(format('{a} và {b}', { a: 'x' })).toBe('x và {b}');
  });

  it('switches language, stores the choice and notifies listeners', async () => {
    const seen: string[] = [];
    const off = onLangChange((lang) => seen.push(lang));
    await setLang('en');
    off();
    expect(t('login.title')).toBe('Sign in');
    expect(localStorage.getItem('langso.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(seen).toEqual(['en']);
  });

  it('picks the localized text with a Vietnamese fallback', async () => {
    expect(localized({ vi: 'Khai sinh', en: 'Birth' })).toBe('Khai sinh');
    await setLang('en');
    expect(localized({ vi: 'Khai sinh', en: 'Birth' })).toBe('Birth');
    expect(localized({ vi: 'Khai sinh' })).toBe('Khai sinh');
  });
});
