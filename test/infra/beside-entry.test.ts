import { describe, expect, it } from 'vitest';
import { copyBesideEntryCommands, runtimeClosure } from '../../infra/cdk/beside-entry.ts';
import { REPO_ROOT } from './support.ts';

describe('packages shipped beside the ingest entry file', () => {
  it('include each lazily loaded package with its whole dependency closure, and nothing else', () => {
    const closure = runtimeClosure(REPO_ROOT, ['mammoth', 'iconv-lite']);

    expect(closure).toEqual(expect.arrayContaining(['node_modules/mammoth', 'node_modules/iconv-lite']));
    // mammoth → jszip → pako, and mammoth → xmlbuilder: transitive dependencies come along.
    expect(closure).toEqual(
      expect.arrayContaining(['node_modules/jszip', 'node_modules/pako', 'node_modules/xmlbuilder']),
    );
    expect(closure).not.toContain('node_modules/openai');
    expect(closure).not.toContain('node_modules/aws-cdk-lib');
  });

  it('are copied from the installed node_modules, so cdk synth needs no registry', () => {
    const commands = copyBesideEntryCommands(REPO_ROOT, ['iconv-lite'], '/asset');

    expect(commands).toContain(
      `cp -R "${REPO_ROOT}node_modules/iconv-lite" "/asset/node_modules/iconv-lite"`,
    );
    expect(commands.join('\n')).not.toMatch(/\bnpm\b/);
  });

  it('refuses a package that is not installed', () => {
    expect(() => runtimeClosure(REPO_ROOT, ['no-such-package-khulasa'])).toThrow(/not installed/);
  });
});
