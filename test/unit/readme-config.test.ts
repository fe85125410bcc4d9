/**
 * The README's configuration, options and examples against the code: every variable in its
 * tables and commands is read by the code and named by a test, every `-c` option is one the CDK
 * app reads, the record example is a valid record, and the versions it names are the ones
 * package.json holds. Parsed from README.md, so rows added later are held to the same rule.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node } from 'constructs';
import { describe, expect, it } from 'vitest';
import { parseContext, readContext } from '../../infra/cdk/context.ts';
import { ERROR_CODES } from '../../lib/domain/error-codes.ts';
import { recordSchema } from '../../lib/http/schemas.ts';
import {
  codeBlocks,
  commands,
  namesIn,
  PACKAGE,
  REPO,
  readReadme,
  SOURCE_TEXT,
  TEST_TEXT,
  tables,
  wordPattern,
} from '../support/readme.ts';

const README = readReadme();
const TABLES = tables(README);
const COMMANDS = commands(README);

const testsNaming = (name: string) =>
  TEST_TEXT.filter((t) => wordPattern(name).test(t.text)).map((t) => t.file);

/** The variables of every `Variable` table. */
const tableVariables = () =>
  TABLES.filter((t) => t.header[0] === 'Variable').flatMap((t) => t.rows.flatMap((r) => namesIn(r[0] ?? '')));

/** The variables the README's commands set (`OPENAI_API_KEY=… npm start`, `DEBUG=1`). */
const commandVariables = () =>
  COMMANDS.flatMap((c) => Object.keys(c.env))
    // The AWS CLI's and SDK's own credentials and region: read by those tools, never by khulasa.
    .filter((name) => !name.startsWith('AWS_'));

/** Variables named in prose: inline code in capitals with an underscore (`KHULASA_STACK`). */
const proseVariables = () =>
  [...README.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`/g)].map(
    (m) => m[1] ?? '',
  );

const allVariables = () => [...new Set([...tableVariables(), ...commandVariables(), ...proseVariables()])];

/** The keys the CDK app reads from its context. */
function contextKeysRead(): Set<string> {
  const asked = new Set<string>();
  readContext({
    tryGetContext: (key: string) => {
      asked.add(key);
      return undefined;
    },
  } as unknown as Node);
  return asked;
}

describe('README configuration', () => {
  it('documents variables in tables', () => {
    expect(tableVariables().length).toBeGreaterThan(10);
  });

  it('documents only variables the code reads', () => {
    const unread = allVariables().filter((name) => !wordPattern(name).test(SOURCE_TEXT));
    expect(unread).toEqual([]);
  });

  it('documents only variables a test sets or checks', () => {
    const untested = allVariables().filter((name) => testsNaming(name).length === 0);
    expect(untested).toEqual([]);
  });

  it('documents only -c options the CDK app reads, each one tested', () => {
    const read = contextKeysRead();
    const table = TABLES.find((t) => /^Context option/.test(t.header[0] ?? ''));
    const inTable = table?.rows.flatMap((r) => namesIn(r[0] ?? '')) ?? [];
    const inCommands = COMMANDS.flatMap((c) =>
      c.words.filter((_, i) => c.words[i - 1] === '-c').map((w) => w.split('=')[0] ?? ''),
    );
    expect(inTable.length).toBeGreaterThan(5);
    expect([...new Set([...inTable, ...inCommands])].filter((k) => !read.has(k))).toEqual([]);
    expect(inTable.filter((k) => testsNaming(k).length === 0)).toEqual([]);
  });

  it('gives deploy commands whose -c values the CDK app accepts', () => {
    for (const c of COMMANDS.filter((x) => x.words.includes('-c'))) {
      const options = Object.fromEntries(
        c.words
          .filter((_, i) => c.words[i - 1] === '-c')
          .map((w) => [w.split('=')[0], w.split('=').slice(1).join('=')]),
      );
      expect(() => parseContext(options), c.text).not.toThrow();
    }
  });
});

describe('README examples and versions', () => {
  it('shows a record example that is a valid record', () => {
    const example = codeBlocks(README).find((b) => b.lang === 'json' && b.body.includes('"schemaVersion"'));
    const parsed = recordSchema.safeParse(JSON.parse(example?.body ?? 'null'));

    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('lists exactly the error codes a failed record can carry', () => {
    const sentence = /carries\s+`error\.code` — one of ([\s\S]*?) — and/.exec(README)?.[1] ?? '';

    expect(namesIn(sentence).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('names the Node versions package.json asks for and pins', () => {
    const minimum = /^>=(\d+)$/.exec(PACKAGE.engines.node)?.[1];
    const pinned = /^\^?(\d+)\./.exec(PACKAGE.devDependencies.node ?? '')?.[1];

    expect(README).toContain(`Node.js ${minimum} or newer`);
    expect(README).toContain(`\`engines\` asks for \`>=${minimum}\``);
    expect(README).toContain(`**Node ${pinned}**`);
    expect(README).toContain(`\`nodejs${pinned}.x\``);
  });

  it('points only at files and folders the repository has', () => {
    const linked = [...README.matchAll(/\]\(([^)#:]+)\)/g)].map((m) => m[1] ?? '');
    const named = [
      ...README.matchAll(/`((?:bench|cli|docs|functions|infra|lib|samples|scripts|test)\/[^`\s]*)`/g),
    ]
      .map((m) => m[1] ?? '')
      // Written by a run (git-ignored), not kept in the repository.
      .filter((path) => !path.startsWith('test/artifacts/'));
    expect(linked.length + named.length).toBeGreaterThan(5);
    expect([...linked, ...named].filter((path) => !existsSync(join(REPO, path)))).toEqual([]);
  });

  it('formats code with the command npm run format runs', async () => {
    // The script's own command, in a copy of the repository's Biome settings, on a badly formatted file.
    const dir = await mkdtemp(join(tmpdir(), 'khulasa-format-'));
    try {
      const {
        $schema: _schema,
        vcs: _vcs,
        ...settings
      } = JSON.parse(await readFile(join(REPO, 'biome.json'), 'utf8'));
      await writeFile(join(dir, 'biome.json'), JSON.stringify(settings));
      await writeFile(join(dir, 'messy.ts'), 'const  a = {b:"x"}\nexport default a\n');
      const [tool = '', ...args] = (PACKAGE.scripts.format ?? '').split(' ');

      execFileSync(join(REPO, 'node_modules/.bin', tool), args, { cwd: dir, stdio: 'ignore' });

      expect(await readFile(join(dir, 'messy.ts'), 'utf8')).toBe(
        "const a = { b: 'x' };\nexport default a;\n",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
