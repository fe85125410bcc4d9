import { z } from 'zod';
import { issueInWords } from '../../lib/config/issue-words.ts';

/**
 * `npm start`'s own variables. An exported-but-empty variable means "not set" (its default), and
 * words are read case-insensitively, so `KHULASA_SAMPLES=False` works.
 */
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.output<T>) =>
  z.preprocess(unsetIfEmpty, schema.default(fallback as never));

const port = (fallback: number) =>
  withDefault(
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole port number')
      .min(0, 'must be a port number from 0 to 65535')
      .max(65_535, 'must be a port number from 0 to 65535'),
    fallback,
  );
const bounded = (fallback: number, min: number, max: number) =>
  withDefault(
    z.coerce
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int(`must be a whole number from ${min} to ${max}`)
      .min(min, `must be a whole number from ${min} to ${max}`)
      .max(max, `must be a whole number from ${min} to ${max}`),
    fallback,
  );

export const LocalEnv = z.object({
  S3_PORT: port(4569),
  DYNAMODB_PORT: port(8000),
  PORT: port(3000),
  KHULASA_DATA_DIR: withDefault(z.string(), '.khulasa'),
  KHULASA_SAMPLES: withDefault(
    z
      .string()
      .transform((v) => v.trim().toLowerCase())
      .pipe(z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }))
      .transform((v) => v === 'true' || v === '1'),
    true,
  ),
  LOCAL_RETRY_DELAYS: withDefault(
    z
      .string()
      .transform((v) => v.split(',').map((d) => (d.trim() === '' ? Number.NaN : Number(d))))
      .refine(
        (delays) => delays.every((d) => Number.isFinite(d) && d >= 0),
        'must be seconds separated by commas, e.g. 2,5,10',
      ),
    [2, 5, 10],
  ),
  MAX_RECEIVE_COUNT: bounded(3, 1, 100),
  LOCAL_CONCURRENCY: bounded(4, 1, 64),
  LOCAL_FUNCTION_TIMEOUT_SECONDS: bounded(300, 1, 900),
});

export type LocalConfig = z.infer<typeof LocalEnv>;

export class LocalConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalConfigError';
  }
}

/** Parses the variables; the first problem becomes one line naming the variable and its value. */
export function parseLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const parsed = LocalEnv.safeParse(env);
  if (parsed.success) {
    checkDistinctPorts(parsed.data);
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? 'environment');
  const readable = issue ? issueInWords(issue) : 'is invalid';
  throw new LocalConfigError(`${name} ${readable} (got ${JSON.stringify(env[name] ?? '')})`);
}

/** Two parts on one port would fail as "already in use" by khulasa itself: say which two. */
function checkDistinctPorts(config: LocalConfig): void {
  const ports = [
    ['S3_PORT', config.S3_PORT],
    ['DYNAMODB_PORT', config.DYNAMODB_PORT],
    ['PORT', config.PORT],
  ] as const;
  for (const [i, [name, port]] of ports.entries()) {
    const same = ports.slice(i + 1).find(([, other]) => other === port && port !== 0);
    if (same) {
      throw new LocalConfigError(
        `${name} and ${same[0]} are both ${port}; each part needs a port of its own`,
      );
    }
  }
}
