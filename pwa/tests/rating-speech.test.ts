/**
 * Issue 11, item 5: the citizen's rating is read aloud in Vietnamese "where available" — with a
 * Vietnamese voice the text is spoken in vi-VN with that voice; without one the page stays
 * silent rather than reading Vietnamese with an English voice. The browser's synthesis is
 * replaced by a recorder (happy-dom has none).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { speakVietnamese } from '../src/features/dossier/Rating';

class Utterance {
  lang = '';
  voice: unknown = null;
  rate = 1;
  constructor(public text: string) {}
}

function install(voices: { lang: string; name: string }[]): { spoken: Utterance[]; cancels: number } {
  const log = { spoken: [] as Utterance[], cancels: 0 };
  vi.stubGlobal('SpeechSynthesisUtterance', Utterance);
  Object.defineProperty(window, 'speechSynthesis', {
    configurable: true,
    value: {
      getVoices: () => voices,
      speak: (u: Utterance) => log.spoken.push(u),
      cancel: () => { log.cancels += 1; },
    },
  });
  return log;
}

afterEach(() => {
  vi.unstubAllGlobals();
  delete (window as unknown as Record<string, unknown>).speechSynthesis;
});

describe('speakVietnamese', () => {
  it('speaks in vi-VN with the Vietnamese voice, cutting off what was being said', () => {
    const vn = { lang: 'vi-VN', name: 'Linh' };
    const log = install([{ lang: 'en-US', name: 'Sam' }, vn]);
    expect(speakVietnamese('Bác có hài lòng không?')).toBe(true);
    expect(log.cancels).toBe(1);
    expect(log.spoken).toHaveLength(1);
    const [u] = log.spoken;
    expect(u!.text).toBe('Bác có hài lòng không?');
    expect(u!.lang).toBe('vi-VN');
    expect(u!.voice).toBe(vn);
  });

  it('stays silent without a Vietnamese voice', () => {
    const log = install([{ lang: 'en-US', name: 'Sam' }]);
    expect(speakVietnamese('Bác có hài lòng không?')).toBe(false);
    expect(log.spoken).toHaveLength(0);
  });

  it('stays silent where the browser has no speech synthesis', () => {
    expect(speakVietnamese('Bác có hài lòng không?')).toBe(false);
  });
});
