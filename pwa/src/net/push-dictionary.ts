/**
 * The preset dictionary push bodies are deflated with (docs/protocol.md §4, `Content-Encoding:
 * deflate`): the very file the server holds, sync/dictionaries/push-1.txt, so a single dossier's
 * push is about 30 % smaller than with gzip. A lazily loaded chunk (precached like the rest of
 * the app), so the first screen does not carry it.
 */
import { zlibSync } from 'fflate';
import text from '../../../sync/dictionaries/push-1.txt?raw';

export const DICTIONARY: Uint8Array<ArrayBuffer> = new TextEncoder().encode(text);

/** A zlib stream (RFC 1950) primed with the dictionary: its header carries FDICT and the DICTID. */
export function deflateWithDictionary(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return zlibSync(data, { level: 9, dictionary: DICTIONARY }) as Uint8Array<ArrayBuffer>;
}
