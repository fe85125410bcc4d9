import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/cdk/khulasa-app.ts';
import { cdkJsonContext, UNBUNDLED_ENTRY } from './support.ts';

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
}

const outdir = mkdtempSync(path.join(tmpdir(), 'khulasa-nag-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const entries = { ingest: UNBUNDLED_ENTRY, api: UNBUNDLED_ENTRY };
const context = { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] };

describe('cdk-nag AwsSolutions and CloudFormation checks', () => {
  it('report no unacknowledged finding on the default stack', () => {
    // Built-in CloudFormation validation on, as `cdk synth` runs it (errors, via cdk.json's
    // @aws-cdk/core:validateAgainstDefaultRules).
    const { app, stack } = buildApp({ context, entries, outdir, cloudFormationValidation: true });

    app.synth();

    const report = JSON.parse(
      readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    expect(
      report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`)),
    ).toEqual([]);
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('report no unacknowledged finding with every option set', () => {
    const variantOut = path.join(outdir, 'variant');
    const { app } = buildApp({
      context: {
        ...context,
        stage: 'dev',
        alarmEmail: 'ops@example.com',
        openAiSecret: 'khulasa/openai',
        openAiSecretKmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        llmConcurrency: '100',
        maxReceiveCount: '20',
        jwtIssuer: 'https://auth.example.com/',
        jwtAudience: 'khulasa-web',
      },
      entries,
      outdir: variantOut,
      cloudFormationValidation: true,
    });

    app.synth();

    const report = JSON.parse(
      readFileSync(path.join(variantOut, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    expect(
      report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`)),
    ).toEqual([]);
  });

  it('fail synth on a resource that breaks a rule, so a clean report means the checks ran', () => {
    const { app, stack } = buildApp({
      context,
      entries,
      outdir: path.join(outdir, 'breaking'),
      cloudFormationValidation: false,
    });
    new sqs.Queue(stack, 'QueueWithoutDeadLetterQueue');

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('acknowledge only named findings, each with a reason', () => {
    const { stack } = buildApp({
      context: { ...context, stage: 'dev', publicApi: 'true', alarmEmail: 'ops@example.com' },
      entries,
      outdir: path.join(outdir, 'acknowledged'),
      cloudFormationValidation: false,
    });
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) {
      expect(id).toMatch(/^(Annotation::)?AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      if (id.includes('IAM5') || id.includes('IAM4')) expect(id).toMatch(/\[(Action|Resource|Policy)::.+\]$/);
      expect(reason.length).toBeGreaterThan(40);
    }
  });
});
