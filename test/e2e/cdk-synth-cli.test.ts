/**
 * `npx cdk synth`, as the README gives it, through the CDK CLI the repository installs: the app
 * in cdk.json synthesises offline, cdk-nag and CloudFormation's validation pass, and the template
 * holds both functions with their bundles. (The infra suites synthesise in-process; this runs the
 * command a person types.) Notices and telemetry are turned off: no network beyond loopback.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('npx cdk synth', () => {
  let out = '';

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('synthesises the stack offline with both functions bundled', async () => {
    out = await mkdtemp(join(tmpdir(), 'khulasa-cdk-synth-'));

    const { stdout } = await run(
      'npx',
      ['--no-install', 'cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', out],
      { cwd: REPO, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' }, maxBuffer: 32 * 1024 * 1024 },
    );

    const template = JSON.parse(await readFile(join(out, 'Khulasa-prod.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: { Runtime?: string } }>;
    };
    const functions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Runtime === 'nodejs24.x',
    );
    expect(functions).toHaveLength(2);
    const assets = (await readdir(out)).filter((name) => name.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    expect(stdout).not.toMatch(/\[Error at/);
  }, 180_000);
});
