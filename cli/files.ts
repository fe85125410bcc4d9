import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { CliError } from './errors.ts';

/** A local file and the key it gets. */
export interface UploadItem {
  path: string;
  key: string;
  size: number;
  contentType: string;
}

/**
 * Types the extractors know by name. No charset: khulasa detects legacy Arabic encodings itself,
 * and a wrong declared charset would mislead it.
 */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.text': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xhtml': 'application/xhtml+xml',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.pdf': 'application/pdf',
};

export const contentTypeOf = (path: string): string =>
  CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

/** Keys use `/` whatever the platform's separator. */
const toKey = (prefix: string, relativePath: string) => prefix + relativePath.split(sep).join('/');

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    // Hidden files (.DS_Store, editor swap files) are never articles.
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * Files to upload: a file becomes `<prefix><name>`, a folder's files `<prefix><path inside the folder>`
 * (as `aws s3 cp --recursive` does). A key given twice is uploaded once. Relative paths are read from
 * `from`, the folder the command was typed in.
 */
export async function collectUploads(
  paths: string[],
  prefix: string,
  from: string = process.cwd(),
): Promise<UploadItem[]> {
  const items = new Map<string, UploadItem>();
  for (const given of paths) {
    const path = resolve(from, given);
    const info = await stat(path).catch(() => null);
    if (!info) throw new CliError(`no such file or folder: ${given === path ? path : `${given} (${path})`}`);
    const files = info.isDirectory()
      ? (await walk(path)).map((file) => ({ file, key: toKey(prefix, relative(path, file)) }))
      : [{ file: path, key: toKey(prefix, basename(path)) }];
    for (const { file, key } of files) {
      const size = info.isDirectory() ? (await stat(file)).size : info.size;
      items.set(key, { path: file, key, size, contentType: contentTypeOf(file) });
    }
  }
  if (items.size === 0) throw new CliError(`nothing to upload in ${paths.join(', ')}`);
  return [...items.values()];
}
