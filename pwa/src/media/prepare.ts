/**
 * Turns a picked or photographed file into what is stored: images are compressed in document
 * mode, PDFs are kept byte for byte. The kind is decided by content (magic bytes / decodability),
 * not by the file name, as the server does.
 */
import { compressImage, CompressionError, DOCUMENT_MODE, isPdf, type DocumentMode } from './compress';

/** Catalogue `accepted` kinds of a document component. */
export type AcceptedKind = 'image' | 'pdf' | string;

export interface PreparedFile {
  blob: Blob;
  type: string;
  size: number;
  originalSize: number;
  /** False when even the strongest compression stayed above the target (the UI warns). */
  withinTarget: boolean;
}

export class UnsupportedFileError extends Error {
  readonly code = 'unsupported_file';
}

/** Server limit per file (backend/attachments DEFAULT_MAX_FILE_BYTES). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export async function prepareFile(
  file: Blob,
  accepted: readonly AcceptedKind[],
  mode: DocumentMode = DOCUMENT_MODE,
): Promise<PreparedFile> {
  if (await isPdf(file)) {
    if (!accepted.includes('pdf')) throw new UnsupportedFileError('pdf not accepted');
    if (file.size > MAX_FILE_BYTES) throw new UnsupportedFileError('too large');
    const blob = file.type === 'application/pdf' ? file : new Blob([file], { type: 'application/pdf' });
    return { blob, type: 'application/pdf', size: blob.size, originalSize: file.size, withinTarget: file.size <= mode.maxBytes };
  }
  if (!accepted.includes('image')) throw new UnsupportedFileError('image not accepted');
  try {
    const out = await compressImage(file, mode);
    return { blob: out.blob, type: out.type, size: out.blob.size, originalSize: file.size, withinTarget: out.withinTarget };
  } catch (e) {
    if (e instanceof CompressionError) throw new UnsupportedFileError('not an image');
    throw e;
  }
}

/** `accept` attribute of the "Chọn tệp" input for a component's kinds. */
export function acceptAttribute(accepted: readonly AcceptedKind[]): string {
  const parts: string[] = [];
  if (accepted.includes('image')) parts.push('image/*');
  if (accepted.includes('pdf')) parts.push('application/pdf', '.pdf');
  return parts.join(',');
}
