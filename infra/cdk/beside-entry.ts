import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
}

/**
 * The installed folders (relative to the repository, e.g. `node_modules/mammoth`) that the given
 * packages need at run time: the packages and, transitively, their dependencies, resolved the
 * way Node resolves them in this repository's `node_modules` (nested first, then hoisted), read
 * from `package-lock.json`. A folder nested inside another one travels with its parent.
 */
export function runtimeClosure(repoRoot: string, packages: readonly string[]): string[] {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  const installed = lock.packages;
  const resolve = (name: string, from: string): string | null => {
    // Walk up from the requiring package's folder, as Node's resolution does.
    let dir = from;
    for (;;) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (installed[candidate]) return candidate;
      if (!dir) return null;
      const up = dir.lastIndexOf('/node_modules/');
      dir = up === -1 ? '' : dir.slice(0, up);
    }
  };

  const seen = new Set<string>();
  const queue = packages.map((name) => {
    const found = resolve(name, '');
    if (!found) throw new Error(`${name} is not installed: run npm ci first`);
    return found;
  });
  while (queue.length > 0) {
    const folder = queue.pop() as string;
    if (seen.has(folder)) continue;
    seen.add(folder);
    const entry = installed[folder] ?? {};
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolve(dep, folder);
      if (found) queue.push(found);
      else if (!entry.optionalDependencies?.[dep])
        throw new Error(`${dep} (needed by ${folder}) is not installed`);
    }
  }
  // Only top-level folders are copied; nested ones come along inside their parents.
  return [...seen].filter((f) => !f.slice('node_modules/'.length).includes('/node_modules/')).sort();
}

/**
 * Shell commands that copy those folders from the repository's `node_modules` beside the entry
 * bundle. A copy, not `npm install`: `cdk synth` works offline and ships exactly the versions the
 * lockfile installed and the tests ran against.
 */
export function copyBesideEntryCommands(
  repoRoot: string,
  packages: readonly string[],
  outputDir: string,
): string[] {
  const commands: string[] = [];
  for (const folder of runtimeClosure(repoRoot, packages)) {
    const target = path.join(outputDir, folder);
    commands.push(`mkdir -p "${path.dirname(target)}"`, `cp -R "${path.join(repoRoot, folder)}" "${target}"`);
  }
  return commands;
}
