import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readContext } from './context.ts';
import { KhulasaStack, type KhulasaStackProps } from './khulasa-stack.ts';

export interface BuildAppOptions {
  /** Context as `-c` would give it; merged over cdk.json's when run by the CLI. @default {} */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Cloud assembly directory. @default - the CLI's, or a temp dir */
  readonly outdir?: string;
  /** Handler modules. @default the repository's handlers */
  readonly entries?: KhulasaStackProps['entries'];
  /**
   * CDK's built-in CloudFormation rule checks at synth (errors with
   * `@aws-cdk/core:validateAgainstDefaultRules`). cdk-nag runs either way. @default true
   */
  readonly cloudFormationValidation?: boolean;
}

/**
 * Builds the app: the one stack plus the cdk-nag AwsSolutions checks, which run as a CDK
 * validation plugin at synth and fail it on any unacknowledged finding.
 */
export function buildApp(options: BuildAppOptions = {}) {
  const app = new App({
    ...(options.context === undefined ? {} : { context: { ...options.context } }),
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
  });
  const config = readContext(app.node);
  const stack = new KhulasaStack(app, `Khulasa-${config.stage}`, {
    description: `khulasa (${config.stage}): bilingual news summaries from S3 uploads`,
    config,
    entries: options.entries,
  });
  Tags.of(stack).add('project', 'khulasa');
  Tags.of(stack).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, config };
}
