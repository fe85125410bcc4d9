import * as z from 'zod/mini';
import { AUTH_MODES, type AuthMode } from '../http/auth-mode.ts';

/**
 * The api function's environment. zod/mini, not classic zod: it keeps ~400 KB out of the
 * API bundle, which is paid on every cold start.
 */
const schema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1, 'TABLE_NAME is required')),
  CURSOR_SECRET: z.optional(
    z.string().check(z.minLength(16, 'CURSOR_SECRET must be at least 16 characters')),
  ),
  CURSOR_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  CORS_ALLOWED_ORIGINS: z.optional(z.string()),
  API_AUTH_MODE: z.optional(z.enum(AUTH_MODES, `API_AUTH_MODE must be one of ${AUTH_MODES.join(', ')}`)),
});

export interface ApiConfig {
  tableName: string;
  /** The secret itself (local stack) or where to read it (AWS: Secrets Manager, never in the env). */
  cursorSecret: { value: string } | { secretArn: string };
  /** Exact origins allowed to read the API from a browser; empty = no CORS headers. */
  corsAllowedOrigins: string[];
  /** How browsers authenticate (set by the stack to match its authorizer); the reader page adapts. */
  authMode: AuthMode;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Fails fast, naming every missing or bad variable (never echoing the secret's value). */
export function parseApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const parsed = schema.safeParse({
    TABLE_NAME: env.TABLE_NAME,
    CURSOR_SECRET: env.CURSOR_SECRET || undefined,
    CURSOR_SECRET_ARN: env.CURSOR_SECRET_ARN || undefined,
    CORS_ALLOWED_ORIGINS: env.CORS_ALLOWED_ORIGINS,
    API_AUTH_MODE: env.API_AUTH_MODE?.trim().toLowerCase() || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return issue.message.startsWith(name) ? issue.message : `${name} is required`;
    });
    throw new ConfigError(`Invalid api configuration: ${problems.join('; ')}`);
  }
  const { TABLE_NAME, CURSOR_SECRET, CURSOR_SECRET_ARN, CORS_ALLOWED_ORIGINS, API_AUTH_MODE } = parsed.data;
  if (!CURSOR_SECRET && !CURSOR_SECRET_ARN) {
    throw new ConfigError('Invalid api configuration: CURSOR_SECRET or CURSOR_SECRET_ARN is required');
  }
  return {
    tableName: TABLE_NAME,
    cursorSecret: CURSOR_SECRET ? { value: CURSOR_SECRET } : { secretArn: CURSOR_SECRET_ARN as string },
    corsAllowedOrigins: (CORS_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o.length > 0),
    authMode: API_AUTH_MODE ?? 'none',
  };
}
