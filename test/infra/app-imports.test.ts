import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support.ts';

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module the CDK app loads: repo files followed transitively, packages by name. */
function importGraph(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (specifier.startsWith('.')) pending.push(path.resolve(path.dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { files: [...files].map((f) => path.relative(REPO_ROOT, f)), packages: [...packages] };
}

describe('the CDK app', () => {
  const graph = importGraph(path.join(REPO_ROOT, 'infra/cdk/app.ts'));

  it('never loads the local stack or its emulators', () => {
    expect(graph.files).toContain('infra/cdk/khulasa-stack.ts');
    expect(graph.files.filter((f) => f.startsWith('infra/local/') || f.startsWith('functions/'))).toEqual([]);
    expect(graph.packages.filter((p) => /^(s3rver|dynalite)(\/|$)/.test(p))).toEqual([]);
  });

  it('takes the table key design from the shared schema module', () => {
    expect(graph.files).toContain('lib/store/table-schema.ts');
  });
});
