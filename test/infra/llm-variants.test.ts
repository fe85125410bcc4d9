import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ContextError } from '../../infra/cdk/context.ts';
import { buildApp } from '../../infra/cdk/khulasa-app.ts';
import { cdkJsonContext, onlyResource, synthWithoutBundling, UNBUNDLED_ENTRY } from './support.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const ingestEnv = (template: ReturnType<typeof synthWithoutBundling>['template']) =>
  (
    onlyResource(template, 'AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { QUEUE_URL: Match.anyValue() } } },
    }).properties.Environment as { Variables: Record<string, unknown> }
  ).Variables;

const statements = (template: ReturnType<typeof synthWithoutBundling>['template']): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );
const llmSecrets = (template: ReturnType<typeof synthWithoutBundling>['template']) =>
  Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) =>
    id.startsWith('OpenAiApiKey'),
  );
const bedrockStatements = (template: ReturnType<typeof synthWithoutBundling>['template']) =>
  statements(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('bedrock:')));

describe('with -c llmProvider=bedrock -c bedrockModel=<foundation model>', () => {
  const { template } = synthWithoutBundling({
    context: { llmProvider: 'bedrock', bedrockModel: 'openai.gpt-oss-120b-1:0' },
  });

  it('creates no secret and tells the function the provider and model, with no secret to read', () => {
    expect(llmSecrets(template)).toEqual([]);
    const env = ingestEnv(template);
    expect(env.LLM_PROVIDER).toBe('bedrock');
    expect(env.OPENAI_MODEL).toBe('openai.gpt-oss-120b-1:0');
    expect(env).not.toHaveProperty('OPENAI_API_KEY_SECRET_ARN');
  });

  it('grants exactly bedrock:InvokeModel on that foundation model in the stack region', () => {
    const granted = bedrockStatements(template);
    expect(granted).toHaveLength(1);
    expect(granted[0]?.Action).toBe('bedrock:InvokeModel');
    expect(JSON.stringify(granted[0]?.Resource)).toContain('::foundation-model/openai.gpt-oss-120b-1:0');
    expect(JSON.stringify(granted[0]?.Resource)).toContain('AWS::Region');
  });
});

describe('with -c bedrockModel=<cross-region inference profile>', () => {
  const { template } = synthWithoutBundling({
    context: { llmProvider: 'bedrock', bedrockModel: 'us.openai.gpt-oss-20b-1:0' },
  });

  it('grants InvokeModel on the profile and on the model it routes to, nothing else', () => {
    const granted = bedrockStatements(template);
    expect(granted).toHaveLength(1);
    expect(granted[0]?.Action).toBe('bedrock:InvokeModel');
    const resources = JSON.stringify(granted[0]?.Resource);
    expect(resources).toContain('inference-profile/us.openai.gpt-oss-20b-1:0');
    expect(resources).toContain(':bedrock:*::foundation-model/openai.gpt-oss-20b-1:0');
  });
});

describe('with -c llmProvider=azure and tuning options', () => {
  const { template } = synthWithoutBundling({
    context: {
      llmProvider: 'azure',
      azureEndpoint: 'https://khulasa.openai.azure.com',
      azureDeployment: 'khulasa-4o',
      azureApiVersion: '2025-04-01-preview',
      llmContextTokens: '32768',
      llmTokenizerRatio: '1.25',
      llmMaxTokensParam: 'both',
      llmTemperature: '0.2',
      llmReasoningEffort: 'low',
      llmReasoningTokens: '3000',
      llmMaxOutputTokens: '5000',
      llmTimeoutMs: '120000',
      maxInputTokens: '8000',
    },
  });

  it('passes every setting to the function and keeps the key in Secrets Manager', () => {
    expect(llmSecrets(template)).toHaveLength(1);
    expect(ingestEnv(template)).toMatchObject({
      LLM_PROVIDER: 'azure',
      AZURE_OPENAI_ENDPOINT: 'https://khulasa.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'khulasa-4o',
      OPENAI_API_VERSION: '2025-04-01-preview',
      OPENAI_API_KEY_SECRET_ARN: expect.anything(),
      LLM_CONTEXT_TOKENS: '32768',
      LLM_TOKENIZER_RATIO: '1.25',
      LLM_MAX_TOKENS_PARAM: 'both',
      LLM_TEMPERATURE: '0.2',
      LLM_REASONING_EFFORT: 'low',
      LLM_REASONING_TOKENS: '3000',
      LLM_MAX_OUTPUT_TOKENS: '5000',
      LLM_TIMEOUT_MS: '120000',
      MAX_INPUT_TOKENS: '8000',
    });
    expect(bedrockStatements(template)).toEqual([]);
  });
});

describe('with -c llmProvider=azure -c azureAuth=entra', () => {
  const { template } = synthWithoutBundling({
    context: { llmProvider: 'azure', azureEndpoint: 'https://khulasa.openai.azure.com', azureAuth: 'entra' },
  });

  it('tells the function the secret holds an Entra ID token, still read from Secrets Manager', () => {
    expect(llmSecrets(template)).toHaveLength(1);
    expect(ingestEnv(template)).toMatchObject({
      LLM_PROVIDER: 'azure',
      AZURE_OPENAI_AUTH: 'entra',
      OPENAI_API_KEY_SECRET_ARN: expect.anything(),
    });
  });
});

describe('with invalid LLM context', () => {
  it('names the missing or misplaced option', () => {
    expect(() => synthWithoutBundling({ context: { llmProvider: 'bedrock' } })).toThrow(
      /-c bedrockModel: is required with -c llmProvider=bedrock/,
    );
    expect(() => synthWithoutBundling({ context: { bedrockModel: 'openai.gpt-oss-20b-1:0' } })).toThrow(
      ContextError,
    );
    expect(() => synthWithoutBundling({ context: { llmProvider: 'azure' } })).toThrow(/-c azureEndpoint/);
    expect(() => synthWithoutBundling({ context: { llmTemperature: 'hot' } })).toThrow(/-c llmTemperature/);
    expect(() =>
      synthWithoutBundling({
        context: {
          llmProvider: 'azure',
          azureEndpoint: 'https://khulasa.openai.azure.com',
          azureAuth: 'oauth',
        },
      }),
    ).toThrow(/-c azureAuth/);
  });
});

describe('cdk-nag with a Bedrock inference profile', () => {
  it('reports no unacknowledged finding: the one region wildcard is explained', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'khulasa-nag-bedrock-'));
    try {
      const { app } = buildApp({
        context: {
          ...cdkJsonContext(),
          'aws:cdk:bundling-stacks': [],
          llmProvider: 'bedrock',
          bedrockModel: 'global.openai.gpt-oss-120b-1:0',
        },
        entries: { ingest: UNBUNDLED_ENTRY, api: UNBUNDLED_ENTRY },
        outdir,
      });

      app.synth();

      const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: { pluginName: string; violations: { ruleName: string }[] }[];
      };
      expect(
        report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`)),
      ).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
