import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/cdk/khulasa-app.ts';
import { ESM_REQUIRE_BANNER } from '../../infra/cdk/lambda-defaults.ts';
import { cdkJsonContext } from './support.ts';

const run = promisify(execFile);

type LambdaResource = {
  Type: string;
  Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> } };
};

/** Values for the env entries CloudFormation resolves at deploy time (Refs to our resources). */
function deployTimeValue(name: string): string {
  if (name === 'TABLE_NAME') return 'khulasa-bundling-test';
  if (name === 'QUEUE_URL') return 'https://sqs.eu-west-1.amazonaws.com/123456789012/khulasa-bundling-test';
  if (name.endsWith('_ARN'))
    return 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:khulasa-test-AbCdEf';
  throw new Error(`no stand-in for the deploy-time value of ${name}`);
}

/** Imports the bundle in a new Node process; answers its major version or why it failed to load. */
async function importInFreshNode(bundle: string, cwd: string, env: Record<string, string>): Promise<string> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    if (typeof m.handler !== 'function') throw new Error('the bundle exports no handler function');
    console.log(process.version);`;
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd,
      env,
      timeout: 30_000,
    });
    return stdout.trim().split('.')[0] ?? '';
  } catch (e: unknown) {
    // Keep the error, not the minified source line Node prints above it.
    const stderr = typeof e === 'object' && e !== null && 'stderr' in e ? String(e.stderr) : String(e);
    const readable = stderr.split('\n').filter((line) => line.length < 400);
    return `failed to load: ${readable.slice(0, 12).join('\n')}`;
  }
}

const outdir = mkdtempSync(path.join(tmpdir(), 'khulasa-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the deployable Lambda artifacts', () => {
  it('bundle with the local esbuild into ESM that loads in a fresh Node 24 process', {
    timeout: 240_000,
  }, async () => {
    // Bundling on (no aws:cdk:bundling-stacks override), the real handlers, as `cdk synth` does.
    const { app, stack } = buildApp({ context: cdkJsonContext(), outdir, cloudFormationValidation: false });
    const assembly = app.synth();
    const template = assembly.getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, LambdaResource>;
    };
    const functions = Object.values(template.Resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables.POWERTOOLS_SERVICE_NAME,
    );
    expect(functions.map((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort()).toEqual([
      'khulasa-api',
      'khulasa-ingest',
    ]);

    const loaded: Record<string, string> = {};
    for (const fn of functions) {
      const assetDir = path.join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      const bundle = path.join(assetDir, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(readFileSync(bundle, 'utf8').startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      const sourceMap = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sourcesContent?: unknown };
      expect(sourceMap.sourcesContent).toBeUndefined();

      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'bundling-test',
        AWS_SECRET_ACCESS_KEY: 'bundling-test',
        // Loading must not call AWS; if it tried, it would fail here, locally and fast.
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      };
      for (const [name, value] of Object.entries(fn.Properties.Environment.Variables)) {
        env[name] = typeof value === 'string' ? value : deployTimeValue(name);
      }
      // From a directory without node_modules above it: the bundle must carry its dependencies.
      loaded[String(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME)] = await importInFreshNode(
        bundle,
        assetDir,
        env,
      );
    }
    expect(loaded).toEqual({ 'khulasa-api': 'v24', 'khulasa-ingest': 'v24' });
  });
});
