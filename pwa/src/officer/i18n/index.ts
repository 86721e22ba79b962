/**
 * The officer console's own messages (so volunteer bundles never carry them). The language is the
 * app's (`getLang`), Vietnamese is the fallback, placeholders are `{name}` as in src/i18n.
 */
import { useEffect, useState } from 'preact/hooks';
import { format, getLang, onLangChange, type Params } from '../../i18n';
import { en } from './en';
import { vi, type OfficerKey } from './vi';

export type { OfficerKey };

export function ot(key: OfficerKey, params?: Params): string {
  return format((getLang() === 'en' ? en[key] : undefined) ?? vi[key] ?? key, params);
}

/** Pick the Vietnamese or English variant of a server text pair. */
export function pick(viText: string | null | undefined, enText: string | null | undefined): string {
  return (getLang() === 'en' ? enText || undefined : undefined) ?? viText ?? '';
}

/** Re-render the calling component when the language changes. */
export function useLang(): string {
  const [lang, setLang] = useState(getLang());
  useEffect(() => onLangChange(setLang), []);
  return lang;
}
