import { describe, expect, it } from 'vitest';
import { describeForPeople, localRetryDelaySeconds } from '../../../infra/local/guidance.ts';
import { LlmNotConfiguredError } from '../../../lib/errors.ts';
import { RetryLaterError } from '../../../lib/pipeline/outcome.ts';

describe('what the local stack tells a person', () => {
  const missingKey = () =>
    new RetryLaterError('No LLM API key is set.', {
      code: 'llm_not_configured',
      cause: new LlmNotConfiguredError('x'),
    });

  it('names the variable of the configured provider when its key is missing', () => {
    expect(describeForPeople(missingKey(), 'openai')).toMatch(
      /^No LLM API key is set\. Set OPENAI_API_KEY \(or/,
    );
    expect(describeForPeople(missingKey(), 'azure')).toMatch(
      /Set AZURE_OPENAI_API_KEY \(or AZURE_OPENAI_AD_TOKEN/,
    );
    expect(describeForPeople(missingKey(), 'bedrock')).toMatch(/Give AWS credentials \(AWS_PROFILE/);
    expect(describeForPeople(missingKey(), 'azure')).not.toMatch(/OPENAI_API_KEY \(or LLM_PROVIDER/);
  });

  it('adds no fix to a failure retrying can cure', () => {
    const e = new RetryLaterError('The LLM server answered HTTP 503.', { code: 'llm_failed' });

    expect(describeForPeople(e, 'openai')).toBe('The LLM server answered HTTP 503.');
  });
});

describe('the local retry delay', () => {
  it("waits the configured delay, or the LLM's Retry-After when that is longer", () => {
    const limited = new RetryLaterError('rate limited', { code: 'llm_failed', retryAfterSeconds: 7 });

    expect(localRetryDelaySeconds([1, 2, 3], 1, new Error('x'))).toBe(1);
    expect(localRetryDelaySeconds([1, 2, 3], 9, new Error('x'))).toBe(3);
    expect(localRetryDelaySeconds([1, 2, 3], 1, limited)).toBe(7);
    expect(localRetryDelaySeconds([30], 1, limited)).toBe(30);
  });

  it('never waits longer than 15 minutes for a Retry-After, nor less than the configured delay', () => {
    const huge = new RetryLaterError('rate limited', { code: 'llm_failed', retryAfterSeconds: 86_400 });

    expect(localRetryDelaySeconds([1], 1, huge)).toBe(900);
    expect(localRetryDelaySeconds([1200], 1, huge)).toBe(1200);
  });
});
