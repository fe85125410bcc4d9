import { describe, expect, it } from 'vitest';
import { ContextError, parseContext } from '../../infra/cdk/context.ts';

describe('parseContext', () => {
  it('applies the documented defaults when no option is given', () => {
    const config = parseContext({});

    expect(config).toEqual({
      stage: 'prod',
      disposable: false,
      maxReceiveCount: 8,
      llmConcurrency: 40,
      prefix: undefined,
      suffix: undefined,
      openAiSecret: undefined,
      openAiSecretKmsKey: undefined,
      openAiModel: 'gpt-4o-mini',
      openAiBaseUrl: undefined,
      summaryLanguages: 'ar,en',
      apiAuth: { kind: 'iam' },
      alarmEmail: undefined,
      llm: {
        provider: 'openai',
        bedrockModel: undefined,
        azure: { endpoint: undefined, deployment: undefined, apiVersion: undefined, auth: undefined },
        tuning: {},
      },
    });
  });

  it('accepts numbers and booleans as the strings `-c key=value` passes', () => {
    const config = parseContext({
      maxReceiveCount: '7',
      llmConcurrency: '12',
      publicApi: 'true',
      stage: 'dev',
    });

    expect(config.maxReceiveCount).toBe(7);
    expect(config.llmConcurrency).toBe(12);
    expect(config.apiAuth).toEqual({ kind: 'none' });
    expect(config.disposable).toBe(true);
  });

  it('names the option that replaced a retired one instead of ignoring it', () => {
    expect(() => parseContext({ maxConcurrency: '10' })).toThrow(
      /-c maxConcurrency: replaced by -c llmConcurrency/,
    );
  });

  it('builds a JWT authoriser from issuer and a comma-separated audience', () => {
    const config = parseContext({ jwtIssuer: 'https://auth.example.com/', jwtAudience: 'web, cli' });

    expect(config.apiAuth).toEqual({
      kind: 'jwt',
      issuer: 'https://auth.example.com/',
      audience: ['web', 'cli'],
    });
  });

  it('keeps IAM authorisation when publicApi is false', () => {
    expect(parseContext({ publicApi: false }).apiAuth).toEqual({ kind: 'iam' });
  });

  it.each([
    [{ maxReceiveCount: '0' }, 'maxReceiveCount'],
    [{ maxReceiveCount: 'three' }, 'maxReceiveCount'],
    [{ maxReceiveCount: '5' }, 'maxReceiveCount'],
    [{ maxReceiveCount: '101' }, 'maxReceiveCount'],
    [{ llmConcurrency: '1' }, 'llmConcurrency'],
    [{ maxConcurrency: '10' }, 'maxConcurrency'],
    [{ openAiSecret: 'khulasa/openai', openAiSecretKmsKey: 'alias/khulasa' }, 'openAiSecretKmsKey'],
    [
      { openAiSecretKmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      'openAiSecretKmsKey',
    ],
    [{ prefix: '' }, 'prefix'],
    [{ stage: 'Prod_1' }, 'stage'],
    [{ openAiBaseUrl: 'not a url' }, 'openAiBaseUrl'],
    [{ openAiSecret: 'bad name with spaces' }, 'openAiSecret'],
    [{ summaryLanguages: 'arabic' }, 'summaryLanguages'],
    [{ jwtIssuer: 'https://auth.example.com/' }, 'jwtAudience'],
    [{ jwtAudience: 'web' }, 'jwtIssuer'],
    [{ jwtIssuer: 'http://auth.example.com/', jwtAudience: 'web' }, 'jwtIssuer'],
    [{ publicApi: 'yes' }, 'publicApi'],
    [{ publicApi: 'true', jwtIssuer: 'https://auth.example.com/', jwtAudience: 'web' }, 'publicApi'],
    [{ alarmEmail: 'ops' }, 'alarmEmail'],
  ])('rejects %j naming the option', (raw, key) => {
    expect(() => parseContext(raw)).toThrow(ContextError);
    expect(() => parseContext(raw)).toThrow(`-c ${key}:`);
  });
});
