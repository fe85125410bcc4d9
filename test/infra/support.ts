import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { buildApp } from '../../infra/cdk/khulasa-app.ts';

/**
 * Cloud assemblies written by this test file's syntheses. Without an outdir the CDK writes each one
 * to a fresh `cdk.out*` under the temp dir and never removes it; these are removed after the file.
 */
const assemblies: string[] = [];
afterAll(() => {
  for (const dir of assemblies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh cloud assembly directory, removed once the test file is done. */
function assemblyDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'khulasa-synth-'));
  assemblies.push(dir);
  return dir;
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The feature flags and options in cdk.json, so tests synthesize what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson)) {
    throw new Error('cdk.json has no context');
  }
  return { ...(cdkJson.context as Record<string, unknown>) };
}

/** Template tests skip bundling: the entry only has to exist, the real handlers are not needed. */
export const UNBUNDLED_ENTRY = fileURLToPath(new URL('./fixtures/unbundled-handler.ts', import.meta.url));

export interface SynthOptions {
  /** `-c` options. */
  readonly context?: Record<string, unknown>;
  /** CDK's built-in CloudFormation checks (slow: seconds); cdk-nag always runs. @default false */
  readonly cloudFormationValidation?: boolean;
  readonly outdir?: string;
}

/** Builds the app as the CLI would, without bundling, and returns the stack's template. */
export function synthWithoutBundling(options: SynthOptions = {}) {
  const built = buildApp({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...options.context },
    entries: { ingest: UNBUNDLED_ENTRY, api: UNBUNDLED_ENTRY },
    cloudFormationValidation: options.cloudFormationValidation ?? false,
    outdir: options.outdir ?? assemblyDir(),
  });
  return { ...built, template: Template.fromStack(built.stack) } as const;
}

/** The one resource of `type` in the template, with its logical id. */
export function onlyResource(template: Template, type: string, props: Record<string, unknown> = {}) {
  const found = template.findResources(type, props);
  const entries = Object.entries(found);
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  const [logicalId, resource] = entries[0] as [string, { Properties: Record<string, unknown> }];
  return { logicalId, resource, properties: resource.Properties };
}
