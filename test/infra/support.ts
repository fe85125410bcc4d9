import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/cdk/khulasa-app.ts';

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

/**
 * Builds the app as the CLI would, without bundling, and returns the stack's template. The cloud
 * assembly goes to a temporary directory removed once the template is read (without an outdir the
 * CDK leaves a `cdk.out*` in the temp dir for every synthesis).
 */
export function synthWithoutBundling(options: SynthOptions = {}) {
  const outdir = options.outdir ?? mkdtempSync(path.join(tmpdir(), 'khulasa-synth-'));
  try {
    const built = buildApp({
      context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...options.context },
      entries: { ingest: UNBUNDLED_ENTRY, api: UNBUNDLED_ENTRY },
      cloudFormationValidation: options.cloudFormationValidation ?? false,
      outdir,
    });
    return { ...built, template: Template.fromStack(built.stack) } as const;
  } finally {
    if (options.outdir === undefined) rmSync(outdir, { recursive: true, force: true });
  }
}

/** The one resource of `type` in the template, with its logical id. */
export function onlyResource(template: Template, type: string, props: Record<string, unknown> = {}) {
  const found = template.findResources(type, props);
  const entries = Object.entries(found);
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  const [logicalId, resource] = entries[0] as [string, { Properties: Record<string, unknown> }];
  return { logicalId, resource, properties: resource.Properties };
}
