import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseApiConfig } from '../../../lib/config/api.ts';

describe('parseApiConfig', () => {
  it('parses the table, secret and CORS origin list', () => {
    const config = parseApiConfig({
      TABLE_NAME: 'summaries',
      CURSOR_SECRET: 's'.repeat(16),
      CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example,',
    });
    expect(config).toEqual({
      tableName: 'summaries',
      cursorSecret: { value: 's'.repeat(16) },
      corsAllowedOrigins: ['https://a.example', 'https://b.example'],
      authMode: 'none',
    });
    expect(parseApiConfig({ TABLE_NAME: 't', CURSOR_SECRET: 's'.repeat(16) }).corsAllowedOrigins).toEqual([]);
  });

  it('reads API_AUTH_MODE (none by default, as the local stack runs) and rejects unknown modes', () => {
    const base = { TABLE_NAME: 't', CURSOR_SECRET: 's'.repeat(16) };
    expect(parseApiConfig(base).authMode).toBe('none');
    expect(parseApiConfig({ ...base, API_AUTH_MODE: '' }).authMode).toBe('none');
    expect(parseApiConfig({ ...base, API_AUTH_MODE: 'jwt' }).authMode).toBe('jwt');
    expect(parseApiConfig({ ...base, API_AUTH_MODE: 'iam' }).authMode).toBe('iam');
    expect(() => parseApiConfig({ ...base, API_AUTH_MODE: 'cognito' })).toThrow(
      /API_AUTH_MODE must be one of none, jwt, iam/,
    );
  });

  it('takes the cursor secret from Secrets Manager when only its ARN is given (AWS)', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:cursor-AbCdEf';
    expect(parseApiConfig({ TABLE_NAME: 't', CURSOR_SECRET_ARN: arn }).cursorSecret).toEqual({
      secretArn: arn,
    });
  });

  it('fails fast naming each missing or bad variable without echoing the secret', () => {
    expect(() => parseApiConfig({})).toThrow(/TABLE_NAME/);
    expect(() => parseApiConfig({ TABLE_NAME: 't' })).toThrow(/CURSOR_SECRET or CURSOR_SECRET_ARN/);
    expect(() => parseApiConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'tooShortSecret' })).toThrow(ConfigError);
    try {
      parseApiConfig({ TABLE_NAME: 't', CURSOR_SECRET: 'tooShortSecret' });
    } catch (e: unknown) {
      expect(String(e)).toContain('CURSOR_SECRET must be at least 16 characters');
      expect(String(e)).not.toContain('tooShortSecret');
    }
  });
});

describe('api handler module', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('refuses to load without its configuration', async () => {
    vi.stubEnv('TABLE_NAME', '');
    vi.stubEnv('CURSOR_SECRET', '');
    await expect(import('../../../functions/api/handler.ts')).rejects.toThrow(/TABLE_NAME/);
  });

  it('builds the handler at module scope from the environment', async () => {
    vi.stubEnv('TABLE_NAME', 'summaries');
    vi.stubEnv('CURSOR_SECRET', 'x'.repeat(32));
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const mod = await import('../../../functions/api/handler.ts');
    expect(typeof mod.handler).toBe('function');
    expect(typeof mod.createApiHandler).toBe('function');
  });
});
