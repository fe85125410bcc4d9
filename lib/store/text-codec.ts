import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** Compressed text up to this size lives in the record item itself (items cap at 400 KB). */
export const INLINE_TEXT_LIMIT = 100 * 1024;
/** Chunk items stay well under DynamoDB's 400 KB item limit. */
const TEXT_CHUNK_BYTES = 256 * 1024;

export function compressText(text: string): Uint8Array {
  const input = Buffer.from(text, 'utf8');
  // Quality 6: most of brotli's ratio on Arabic prose at a fraction of quality 11's CPU time.
  return brotliCompressSync(input, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 6,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.byteLength,
    },
  });
}

export function decompressText(data: Uint8Array): string {
  return brotliDecompressSync(data).toString('utf8');
}

export function splitChunks(data: Uint8Array, size = TEXT_CHUNK_BYTES): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < data.byteLength; offset += size) {
    chunks.push(data.subarray(offset, offset + size));
  }
  return chunks;
}

/** Chunk sort key: the `text#0000` prefix of the key design plus the write generation. */
export const chunkSortKey = (index: number, gen: string): string =>
  `text#${String(index).padStart(4, '0')}#${gen}`;
