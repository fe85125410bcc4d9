/**
 * The charset an HTML page declares in its markup. The HTML spec's prescan reads the first
 * 1,024 bytes; a parser that meets a later `<meta charset>` in the head switches encoding, so
 * declarations are honoured anywhere before `<body>` (bounded, for pages without one).
 */
const HEAD_SCAN_BYTES = 64 * 1024;

/** `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">`, outside comments. */
export function sniffMetaCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1')
    .decode(bytes.subarray(0, HEAD_SCAN_BYTES))
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ');
  const bodyAt = head.search(/<body[\s>]/i);
  const scope = bodyAt < 0 ? head : head.slice(0, bodyAt);
  for (const tag of scope.match(/<meta\s[^>]*>/gi) ?? []) {
    const direct = /\scharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(tag);
    if (direct?.[1]) return direct[1];
    if (!/http-equiv\s*=\s*["']?\s*content-type/i.test(tag)) continue;
    const inContent = /content\s*=\s*["'][^"']*charset\s*=\s*["']?([\w.:-]+)/i.exec(tag);
    if (inContent?.[1]) return inContent[1];
  }
  return null;
}
