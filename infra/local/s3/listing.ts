/** One page of a bucket listing (ListObjects v1 and v2 share it), straight off the key index. */
import { type KeyIndex, type ObjectMeta, pastPrefix } from './key-index.ts';

export interface ListRequest {
  prefix: string;
  delimiter: string;
  /** Exclusive start: the marker, start-after, or the key a continuation token stands for. */
  after: string | undefined;
  maxKeys: number;
}

export interface ListPage {
  contents: ObjectMeta[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix on the page: where the next page starts after. */
  last: string | undefined;
}

const startsWith = (bytes: Buffer, prefix: Buffer): boolean =>
  bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);

/** Whether `marker` is itself one of this listing's common prefixes (then all under it was listed). */
function isCommonPrefix(marker: string, prefix: string, delimiter: string): boolean {
  if (!delimiter || !marker.startsWith(prefix) || !marker.endsWith(delimiter)) return false;
  // The part after the prefix must hold the delimiter once, at its end: a marker equal to the
  // prefix (rest "") is a key listed as itself, not a common prefix.
  const rest = marker.slice(prefix.length);
  const at = rest.indexOf(delimiter);
  return at >= 0 && at === rest.length - delimiter.length;
}

export function listPage(index: KeyIndex, request: ListRequest): ListPage {
  const { prefix, delimiter, after, maxKeys } = request;
  const prefixBytes = Buffer.from(prefix, 'utf8');
  let position = index.firstAtOrAfter(prefixBytes);
  if (after !== undefined) {
    const afterBytes = Buffer.from(after, 'utf8');
    const resumeAt = isCommonPrefix(after, prefix, delimiter)
      ? index.firstAtOrAfter(pastPrefix(afterBytes))
      : index.firstAfter(afterBytes);
    position = Math.max(position, resumeAt);
  }

  const page: ListPage = { contents: [], commonPrefixes: [], isTruncated: false, last: undefined };
  for (
    let entry = index.at(position);
    entry && startsWith(entry.bytes, prefixBytes);
    entry = index.at(position)
  ) {
    if (page.contents.length + page.commonPrefixes.length >= maxKeys) {
      page.isTruncated = maxKeys > 0;
      break;
    }
    const rest = entry.meta.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    if (cut < 0) {
      page.contents.push(entry.meta);
      page.last = entry.meta.key;
      position++;
    } else {
      const common = prefix + rest.slice(0, cut + delimiter.length);
      page.commonPrefixes.push(common);
      page.last = common;
      position = index.firstAtOrAfter(pastPrefix(Buffer.from(common, 'utf8')));
    }
  }
  return page;
}

/** Continuation tokens are opaque to clients: the base64url of where the page ended. */
export const continuationToken = (last: string): string => Buffer.from(last, 'utf8').toString('base64url');

export function fromContinuationToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  return Buffer.from(text, 'utf8').toString('base64url') === token ? text : undefined;
}
