import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_LAZY_MODULES } from '../../infra/cdk/constructs/ingestion.ts';
import { buildApp } from '../../infra/cdk/khulasa-app.ts';
import { BUNDLE_METAFILE_CONTEXT, ESM_REQUIRE_BANNER } from '../../infra/cdk/lambda-defaults.ts';
import { cdkJsonContext, REPO_ROOT } from './support.ts';

const run = promisify(execFile);

type LambdaResource = {
  Type: string;
  Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> } };
};

/** Values for the env entries CloudFormation resolves at deploy time (Refs to our resources). */
function deployTimeValue(name: string): string {
  if (name === 'TABLE_NAME') return 'khulasa-bundling-test';
  if (name === 'EVENT_BUS_NAME') return 'khulasa-bundling-test-bus';
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

interface Metafile {
  outputs: Record<
    string,
    {
      entryPoint?: string;
      inputs: Record<string, unknown>;
      imports?: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

/** The npm packages with code inside the entry file, its input files, and the modules it leaves external. */
function entryContents(assetDir: string) {
  const meta = JSON.parse(readFileSync(path.join(assetDir, 'index.meta.json'), 'utf8')) as Metafile;
  const entry = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  if (!entry) throw new Error(`no entry output in the metafile of ${assetDir}`);
  const packages = new Set<string>();
  for (const input of Object.keys(entry.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(input)?.[1];
    if (name) packages.add(name);
  }
  const externals = (entry.imports ?? []).filter((i) => i.external === true);
  return { packages, inputs: Object.keys(entry.inputs), externals };
}

const belongsTo = (specifier: string, pkg: string) => specifier === pkg || specifier.startsWith(`${pkg}/`);

// The cloud assembly is written inside the repository (git-ignored .cache/); each asset is then
// copied to the OS temp dir to be loaded, where no node_modules lies above it: whatever a bundle
// needs must be inside it or beside it, as on Lambda, never borrowed from the repository (or,
// on Lambda, from the runtime's own AWS SDK).
mkdirSync(path.join(REPO_ROOT, '.cache'), { recursive: true });
const outdir = mkdtempSync(path.join(REPO_ROOT, '.cache', 'bundling-test-'));
const isolated = mkdtempSync(path.join(tmpdir(), 'khulasa-bundles-'));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(isolated, { recursive: true, force: true });
});

/** Asset folder of each house function, by its Powertools service name. */
const assets: Record<string, { dir: string; fn: LambdaResource }> = {};

beforeAll(() => {
  // Bundling on (no aws:cdk:bundling-stacks override), the real handlers, as `cdk synth` does;
  // the metafile context only adds esbuild's index.meta.json beside each bundle.
  const { app, stack } = buildApp({
    context: { ...cdkJsonContext(), [BUNDLE_METAFILE_CONTEXT]: true },
    outdir,
    cloudFormationValidation: false,
  });
  const template = app.synth().getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, LambdaResource>;
  };
  for (const r of Object.values(template.Resources)) {
    const service = r.Properties.Environment?.Variables.POWERTOOLS_SERVICE_NAME;
    if (r.Type !== 'AWS::Lambda::Function' || typeof service !== 'string') continue;
    assets[service] = {
      dir: path.join(outdir, `asset.${r.Properties.Code.S3Key.replace(/\.zip$/, '')}`),
      fn: r,
    };
  }
}, 240_000);

function asset(service: string) {
  const found = assets[service];
  if (!found) throw new Error(`the synthesised app has no ${service} function`);
  return found;
}

describe('the deployable Lambda artifacts', () => {
  it('bundle with the local esbuild into ESM that loads in a fresh Node 24 process, on its own', {
    timeout: 120_000,
  }, async () => {
    expect(Object.keys(assets).sort()).toEqual(['khulasa-api', 'khulasa-ingest']);

    const loaded: Record<string, string> = {};
    for (const [service, { dir: assetDir, fn }] of Object.entries(assets)) {
      const bundle = path.join(assetDir, 'index.mjs');
      const alone = path.join(isolated, service);
      cpSync(assetDir, alone, { recursive: true });
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
      // From the copy outside the repository: everything comes from the bundle or the asset's own
      // node_modules.
      loaded[service] = await importInFreshNode(path.join(alone, 'index.mjs'), alone, env);
    }
    expect(loaded).toEqual({ 'khulasa-api': 'v24', 'khulasa-ingest': 'v24' });
  });

  it("carry the AWS SDK the tests ran against instead of the runtime's own copy", () => {
    const installed = (pkg: string) =>
      (
        JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    for (const service of ['khulasa-api', 'khulasa-ingest']) {
      const { dir } = asset(service);
      const { packages, externals } = entryContents(dir);

      expect(packages).toContain('@aws-sdk/client-dynamodb');
      expect(packages).toContain('@smithy/core');
      expect(externals.filter((i) => /^@(aws-sdk|smithy)\//.test(i.path))).toEqual([]);
      // The client's own version (it sends it in its user agent) is the one npm installed here.
      expect(readFileSync(path.join(dir, 'index.mjs'), 'utf8')).toContain(
        `"${installed('@aws-sdk/client-dynamodb')}"`,
      );
    }
  });

  it('keep the tokenizer, document parsers and legacy encodings out of the ingest entry bundle, beside it', () => {
    const { dir } = asset('khulasa-ingest');
    const { packages, externals } = entryContents(dir);

    expect(INGEST_LAZY_MODULES.filter((p) => packages.has(p))).toEqual([]);
    // Imported on first use only: a static import would load them at init all the same.
    const atInit = externals.filter(
      (i) => INGEST_LAZY_MODULES.some((p) => belongsTo(i.path, p)) && i.kind !== 'dynamic-import',
    );
    expect(atInit).toEqual([]);
    const installed = (pkg: string) => existsSync(path.join(dir, 'node_modules', pkg, 'package.json'));
    expect(INGEST_LAZY_MODULES.filter((p) => !installed(p))).toEqual([]);
  });

  it('keep classic zod out of the ingest entry bundle: zod/mini only', () => {
    const { inputs } = entryContents(asset('khulasa-ingest').dir);
    const zod = inputs.map((i) => /node_modules\/zod\/(.*)$/.exec(i)?.[1]).filter((i) => i !== undefined);

    // Classic zod (`zod`, `zod/v4`, `zod/v3`) is ~500 KB that every cold start would load.
    expect(zod.filter((f) => /^(v4\/classic|v3)\/|^(v4\/)?index\.js$/.test(f))).toEqual([]);
    expect(zod).toContain('mini/index.js');
  });

  it('keep the LLM SDK, the S3 client and the document parsers out of the api bundle', () => {
    const { dir } = asset('khulasa-api');
    const { packages, externals } = entryContents(dir);
    const forbidden = ['openai', '@aws-sdk/client-s3', ...INGEST_LAZY_MODULES];

    expect(forbidden.filter((p) => packages.has(p))).toEqual([]);
    expect(externals.filter((i) => forbidden.some((p) => belongsTo(i.path, p)))).toEqual([]);
    // Beside its entry file and source map, the api ships only Powertools Tracer (and what it
    // needs), imported on the first sampled invocation, never at init.
    expect(
      readdirSync(dir)
        .filter((f) => f !== 'index.meta.json')
        .sort(),
    ).toEqual(['index.mjs', 'index.mjs.map', 'node_modules']);
    expect(packages.has('@aws-lambda-powertools/tracer')).toBe(false);
    expect(
      externals.filter((i) => belongsTo(i.path, '@aws-lambda-powertools/tracer')).map((i) => i.kind),
    ).toEqual(['dynamic-import', 'dynamic-import']);
    const beside = readdirSync(path.join(dir, 'node_modules'), { recursive: true }).map(String);
    expect(beside).toContain(path.join('@aws-lambda-powertools', 'tracer', 'package.json'));
    expect(beside).not.toContain(path.join('openai', 'package.json'));
  });
});
