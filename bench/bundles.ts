/**
 * The bundles `cdk synth` writes (budgets 1 and 2 of `npm run bench`), and the baseline bundles they are
 * compared with, built by the same `HouseFunction` — so with the very same esbuild options.
 * esbuild's metafile says what is inside each entry file, so the content checks are exact.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { buildApp } from '../infra/cdk/khulasa-app.ts';
import { BUNDLE_METAFILE_CONTEXT, HouseFunction, repoPath } from '../infra/cdk/lambda-defaults.ts';
import { cdkJsonContext } from '../test/infra/support.ts';

export interface BundleInfo {
  /** The asset folder (what Lambda unpacks into /var/task). */
  dir: string;
  /** `index.mjs`: the file evaluated at init. */
  entry: string;
  entryBytes: number;
  /** The environment the function gets (values CloudFormation resolves at deploy time are absent). */
  environment: Record<string, string>;
  /** The names CloudFormation resolves at deploy time (Refs and attributes of other resources). */
  deployTimeVariables: string[];
  /** npm packages with code inside the entry file, and their bytes in it. */
  packagesInEntry: Record<string, number>;
  /** Modules the entry file leaves to the runtime, with how it imports them. */
  externalImports: { path: string; kind: string }[];
  /** Packages installed beside the entry file (the asset's node_modules). */
  shippedBeside: string[];
}

interface TemplateFunction {
  Type: string;
  Properties: { Code?: { S3Key?: string }; Environment?: { Variables?: Record<string, unknown> } };
}

interface Metafile {
  outputs: Record<
    string,
    {
      bytes: number;
      entryPoint?: string;
      inputs: Record<string, { bytesInOutput: number }>;
      imports?: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

/** `node_modules/@scope/name/…` or `node_modules/name/…` → the package name (innermost wins). */
export function packageOf(input: string): string | null {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(input);
  return match?.[1] ?? null;
}

function installedPackages(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const names: string[] = [];
  for (const name of readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const inner of readdirSync(path.join(nodeModules, name))) names.push(`${name}/${inner}`);
    } else names.push(name);
  }
  return names.sort();
}

function describe(assetDir: string, fn: TemplateFunction): BundleInfo {
  const entry = path.join(assetDir, 'index.mjs');
  const metaPath = path.join(assetDir, 'index.meta.json');
  if (!existsSync(metaPath))
    throw new Error(`No esbuild metafile in ${assetDir}: was ${BUNDLE_METAFILE_CONTEXT} set?`);
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile;
  const output = Object.values(meta.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error(`The metafile in ${assetDir} names no entry output.`);

  const packagesInEntry: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    if (name) packagesInEntry[name] = (packagesInEntry[name] ?? 0) + bytesInOutput;
  }
  const environment: Record<string, string> = {};
  const deployTimeVariables: string[] = [];
  for (const [name, value] of Object.entries(fn.Properties.Environment?.Variables ?? {})) {
    if (typeof value === 'string') environment[name] = value;
    else deployTimeVariables.push(name);
  }
  return {
    dir: assetDir,
    entry,
    entryBytes: statSync(entry).size,
    environment,
    deployTimeVariables,
    packagesInEntry,
    externalImports: (output.imports ?? [])
      .filter((i) => i.external === true)
      .map((i) => ({ path: i.path, kind: i.kind })),
    shippedBeside: installedPackages(path.join(assetDir, 'node_modules')),
  };
}

/** Each house function of a synthesised assembly, by its Powertools service name. */
function bundlesOf(outdir: string, template: { Resources: Record<string, TemplateFunction> }) {
  const found: Record<string, BundleInfo> = {};
  for (const resource of Object.values(template.Resources)) {
    const service = resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    const key = resource.Properties.Code?.S3Key;
    if (resource.Type !== 'AWS::Lambda::Function' || typeof service !== 'string' || !key) continue;
    found[service] = describe(path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`), resource);
  }
  return found;
}

function required(found: Record<string, BundleInfo>, service: string): BundleInfo {
  const bundle = found[service];
  if (!bundle) throw new Error(`The synthesised app has no ${service} function.`);
  return bundle;
}

/** `cdk synth` of the real app with bundling on (the AWS SDK inside the bundles), into `outdir`. */
export function synthProjectBundles(outdir: string): { api: BundleInfo; ingest: BundleInfo } {
  const { app, stack } = buildApp({
    context: { ...cdkJsonContext(), [BUNDLE_METAFILE_CONTEXT]: true },
    outdir,
    cloudFormationValidation: false,
  });
  const template = app.synth().getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, TemplateFunction>;
  };
  const found = bundlesOf(outdir, template);
  return { api: required(found, 'khulasa-api'), ingest: required(found, 'khulasa-ingest') };
}

/** The baseline bundles: the same `HouseFunction`, so the same esbuild options, other entries. */
export function synthBaselineBundles(outdir: string): { api: BundleInfo; ingest: BundleInfo } {
  const app = new App({ outdir, context: { ...cdkJsonContext(), [BUNDLE_METAFILE_CONTEXT]: true } });
  const stack = new Stack(app, 'KhulasaBenchBaselines');
  for (const name of ['api', 'ingest'] as const) {
    new HouseFunction(stack, `${name}Baseline`, {
      entry: repoPath(`bench/baselines/${name}.ts`),
      description: `cold-start baseline for the ${name} function`,
      serviceName: `baseline-${name}`,
      timeout: Duration.seconds(10),
      environment: {},
    });
  }
  const template = app.synth().getStackArtifact(stack.artifactId).template as {
    Resources: Record<string, TemplateFunction>;
  };
  const found = bundlesOf(outdir, template);
  return { api: required(found, 'baseline-api'), ingest: required(found, 'baseline-ingest') };
}
