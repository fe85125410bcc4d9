/**
 * The README is a contract with a newcomer: every command it gives exists and is run by a test or
 * by `.ci/run`, and every variable and option it documents is read by the code and exercised by a
 * test. Everything is parsed from README.md, so rows and commands added later are held to the
 * same rule.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../cli/args.ts';
import { buildOpenApiDocument } from '../../functions/api/openapi.ts';
import { recordId } from '../../lib/domain/id.ts';
import { CI, commands, PACKAGE, REPO, readReadme, TEST_TEXT } from '../support/readme.ts';

const COMMANDS = commands(readReadme());
const RUNNING_TESTS = TEST_TEXT.filter((t) => /^test\/(integration|e2e|reliability)\//.test(t.file));

/** Scripts `.ci/run` runs, and the scripts those run in turn. */
function scriptsRunByCi(): Set<string> {
  const named = (text: string) =>
    [...text.matchAll(/\bnpm (?:run (\S+)|(test|start))\b/g)].map((m) => m[1] ?? m[2] ?? '');
  const run = new Set(named(CI));
  for (const name of run) for (const inner of named(PACKAGE.scripts[name] ?? '')) run.add(inner);
  return run;
}
const RUN_BY_CI = scriptsRunByCi();
const FILES_RUN_BY_CI = [...RUN_BY_CI].map((s) => /^node (\S+)/.exec(PACKAGE.scripts[s] ?? '')?.[1]);

/** How a script is exercised, or null: by CI itself, by a test running its file, or as part of a suite CI runs. */
function exercise(script: string): string | null {
  if (RUN_BY_CI.has(script)) return '.ci/run';
  const body = PACKAGE.scripts[script] ?? '';
  const file = /^node (\S+)/.exec(body)?.[1];
  if (file && FILES_RUN_BY_CI.includes(file)) return `.ci/run (${file})`;
  if (file) {
    const test = TEST_TEXT.find(
      (t) => t.text.includes(`'${file}'`) || t.text.includes(`'${basename(file)}'`),
    );
    if (test) return test.file;
  }
  // `vitest run <folders>` is a subset of the whole `vitest run` that `npm test` runs.
  if (/^vitest run [\w/ ]+$/.test(body) && /(^|&& )vitest run$/.test(PACKAGE.scripts.test ?? ''))
    return 'npm test';
  // Formatting rewrites files, so CI checks it (`lint`) instead; the README test runs its command on a copy.
  if (script === 'format') return 'test/unit/readme-config.test.ts';
  return null;
}

const npmScripts = () =>
  COMMANDS.filter((c) => c.words[0] === 'npm' && c.words[1] !== 'install')
    .map((c) => (c.words[1] === 'run' ? c.words[2] : c.words[1]))
    .filter((s): s is string => s !== undefined && s !== '…');

/** `<id>`, `<jwt>`, `…` placeholders as a person would fill them in. */
const filled = (words: string[]) =>
  words.map((w) => (w === '<id>' ? recordId('articles', 'incoming/a.txt') : w.replace(/^<(\w+)>$/, '$1')));
const cliInvocations = () =>
  COMMANDS.filter(
    (c) => c.words.slice(0, 4).join(' ') === 'npm run khulasa --' && c.words.length > 4 && c.words[4] !== '…',
  ).map((c) => ({ text: c.text, args: filled(c.words.slice(4)) }));

describe('README commands', () => {
  it('gives only npm scripts that package.json has', () => {
    const missing = npmScripts().filter((s) => !['start', 'test'].includes(s) && !(s in PACKAGE.scripts));
    expect(missing).toEqual([]);
    expect(npmScripts()).toContain('start');
  });

  it('gives only npm scripts that .ci/run or a test runs', () => {
    const unexercised = [...new Set(npmScripts())].filter((s) => exercise(s) === null);
    expect(unexercised).toEqual([]);
  });

  it('installs the way CI does: npm install in the README, npm ci of the same lockfile in .ci/run', () => {
    expect(COMMANDS.some((c) => c.words.join(' ') === 'npm install')).toBe(true);
    expect(CI).toMatch(/^npm ci\b/m);
  });

  it('gives CLI invocations the CLI accepts, each of its commands run end to end by a test', () => {
    const invocations = cliInvocations();
    expect(invocations.length).toBeGreaterThan(0);
    for (const { text, args } of invocations) {
      expect(() => parseCommandLine(args, {}), text).not.toThrow();
      const { command } = parseCommandLine(args, {});
      const first = command.name === 'version' ? "'--version'" : `['${command.name}'`;
      const runner = RUNNING_TESTS.find((t) => t.text.includes(first));
      expect(runner?.file, `no integration or e2e test runs "${text}"`).toBeDefined();
    }
  });

  it('runs npx only for tools the repository installs, never a package fetched by name', () => {
    const npx = COMMANDS.filter((x) => x.words[0] === 'npx');
    expect(npx.length).toBeGreaterThan(0);
    for (const c of npx) {
      expect(existsSync(join(REPO, 'node_modules/.bin', c.words[1] ?? '')), c.text).toBe(true);
    }
  });

  it('gives API requests for paths and query parameters the OpenAPI document declares, each one tested', () => {
    const paths = (
      buildOpenApiDocument({ authMode: 'none' }) as {
        paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      }
    ).paths;
    const requests = COMMANDS.filter((c) => c.words[0] === 'curl');
    expect(requests.length).toBeGreaterThan(0);
    for (const c of requests) {
      const raw = c.words.find((w) => w.startsWith('http://127.0.0.1:3000')) ?? '';
      const url = new URL(raw.replace(/<(\w+)>/g, 'PLACEHOLDER'));
      const data = c.words
        .filter((_, i) => c.words[i - 1] === '--data-urlencode')
        .map((d) => d.split('=')[0] ?? '');
      const template = Object.keys(paths).find((p) =>
        new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`).test(url.pathname),
      );
      expect(template, c.text).toBeDefined();
      const declared = (paths[template ?? '']?.get?.parameters ?? []).map((p) => p.name);
      for (const name of [...url.searchParams.keys(), ...data]) {
        expect(declared, `${c.text}: ${name}`).toContain(name);
        expect(
          TEST_TEXT.some((t) => t.text.includes(`${name}=`)),
          `no test sends ${name}=`,
        ).toBe(true);
      }
    }
  });

  it('computes a record id the way the code does, with the shell pipeline it gives', () => {
    const line = COMMANDS.find((c) => c.words[0] === 'printf' && c.text.includes('sha256'));
    const key = line?.words[2] ?? '';
    let id: string;
    try {
      id = execFileSync('sh', ['-c', line?.text ?? ''], { encoding: 'utf8' }).trim();
    } catch {
      // No openssl or basenc here: the same steps in-process (SHA-256, base64url, no padding).
      id = createHash('sha256')
        .update(key)
        .digest('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=/g, '');
    }
    const [bucket = '', ...rest] = key.split('/');
    expect(id).toBe(recordId(bucket, rest.join('/')));
  });
});
