/**
 * How a push body travels (docs/protocol.md §4 and §12): deflated with the shipped preset
 * dictionary; gzip (CompressionStream) once a server has refused the dictionary or when the
 * dictionary's chunk cannot load; raw where neither exists.
 */
import { gzip } from '../api/http';

export type BodyCoding = 'deflate' | 'gzip' | null;

// A server that does not know the dictionary (an older server, or a newer app against it) says
// so once; the rest of this page's life pushes gzip to it.
let dictionaryRefused = false;

/** Called on a `415` (`unknown_dictionary`, `unsupported_encoding`) of a deflated push. */
export function refuseDictionary(): boolean {
  const first = !dictionaryRefused;
  dictionaryRefused = true;
  return first;
}

export function resetBodyCoding(): void {
  dictionaryRefused = false;
}

export async function encodeBody(body: unknown): Promise<{ data: Uint8Array<ArrayBuffer>; coding: BodyCoding }> {
  const raw = new TextEncoder().encode(JSON.stringify(body));
  if (!dictionaryRefused) {
    try {
      const { deflateWithDictionary } = await import('./push-dictionary');
      return { data: deflateWithDictionary(raw), coding: 'deflate' };
    } catch {
      // the chunk failed to load (an old precache): gzip still works
    }
  }
  const packed = await gzip(raw);
  return packed ? { data: packed, coding: 'gzip' } : { data: raw, coding: null };
}
