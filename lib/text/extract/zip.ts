/**
 * Just enough of the ZIP format to look inside an upload before anything inflates it: the
 * entry names (is it a DOCX?) and the sizes the central directory declares (is it a bomb?).
 */

export interface ZipDirectoryEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
/** ZIP64 puts this in the 32-bit size fields; no real DOCX needs it, so it reads as "too big". */
const ZIP64_MARKER = 0xffffffff;

/** The central directory's entries, or null when the bytes hold no readable ZIP directory. */
export function readZipDirectory(bytes: Uint8Array): ZipDirectoryEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const decoder = new TextDecoder('utf-8');
  const entries: ZipDirectoryEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL) return null;
    const compressedSize = view.getUint32(offset + 20, true);
    const uncompressedSize = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > bytes.length) return null;
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    entries.push({
      name,
      compressedSize,
      uncompressedSize: uncompressedSize === ZIP64_MARKER ? Number.POSITIVE_INFINITY : uncompressedSize,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export const isDocxDirectory = (entries: readonly ZipDirectoryEntry[]) =>
  entries.some((e) => e.name === 'word/document.xml');
