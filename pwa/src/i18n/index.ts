/**
 * Tiny i18n: `t(key, params)` looks the key up in the current language and fills `{name}`
 * placeholders. Vietnamese is the default and the fallback. The chosen language lives in
 * localStorage so the first render is already in the right language (IndexedDB is async).
 *
 * Only the Vietnamese catalogue is in the volunteer entry; English is a lazily loaded chunk
 * (precached like every volunteer chunk), loaded by `loadLang` before the first render when it
 * was the stored choice, and by `setLang` when chosen.
 */
import { vi, type MessageKey } from './vi';

export type { MessageKey };
export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];
type Catalogue = Record<MessageKey, string>;
const catalogues: Partial<Record<Lang, Catalogue>> = { vi };

const STORAGE_KEY = 'langso.lang';
let current: Lang = readStoredLang();
const listeners = new Set<(lang: Lang) => void>();

function readStoredLang(): Lang {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    return stored === 'en' || stored === 'vi' ? stored : 'vi';
  } catch {
    return 'vi'; // storage blocked (private mode): stay on the default
  }
}

/** Makes `lang`'s catalogue available to `t`; a catalogue that cannot be loaded leaves `t` on Vietnamese. */
export async function loadLang(lang: Lang): Promise<void> {
  if (catalogues[lang]) return;
  if (lang === 'en') catalogues.en = (await import('./en')).en;
}

export function getLang(): Lang {
  return current;
}

/**
 * Switches the language once its catalogue is loaded (at once for a loaded one, so nothing renders
 * half in one language); rejects, leaving the language unchanged, if the catalogue cannot be loaded.
 */
export function setLang(lang: Lang): Promise<void> {
  if (catalogues[lang]) {
    apply(lang);
    return Promise.resolve();
  }
  return loadLang(lang).then(() => apply(lang));
}

function apply(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* not persisted; the choice still applies to this session */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const listener of listeners) listener(lang);
}

/** Subscribe to language changes; returns the unsubscribe function. */
export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type Params = Record<string, string | number>;

/** Unknown placeholders are left as `{name}` so a missing parameter is visible, not silent. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function t(key: MessageKey, params?: Params): string {
  return format(catalogues[current]?.[key] ?? vi[key], params);
}

/** Pick the current language from a catalogue text object such as `{vi, en}`; falls back to vi. */
export function localized(text: { vi: string; en?: string } | string | undefined): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return (current === 'en' ? text.en : undefined) ?? text.vi;
}
