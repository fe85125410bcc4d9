import * as z from 'zod/mini';

// zod/mini, as the ingest configuration: this is parsed in every ingest cold start.

const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim())),
);

/** The shortest webhook secret accepted: an HMAC key is only as strong as its length. */
const MIN_WEBHOOK_SECRET_CHARS = 16;

const EventsEnvSchema = z.object({
  /** The EventBridge bus the CDK stack creates (AWS). */
  EVENT_BUS_NAME: optionalString,
  /** The local stack's event log folder (`<data dir>/events`), set by `npm start` for its workers. */
  KHULASA_EVENTS_DIR: optionalString,
  KHULASA_WEBHOOK_URL: optionalString,
  KHULASA_WEBHOOK_SECRET: optionalString,
});

export class EventsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventsConfigError';
  }
}

export interface WebhookConfig {
  url: string;
  secret: string;
}

export type EventsConfig = ReturnType<typeof loadEventsConfig>;

const isHttpUrl = (value: string): boolean => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * Where outcome events go. A webhook is always signed: a URL without a secret is a configuration
 * error, never an unsigned mode (anyone could otherwise post look-alike events to the receiver).
 * Secrets are never echoed in messages.
 */
export function loadEventsConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = EventsEnvSchema.safeParse(env);
  if (!parsed.success) throw new EventsConfigError('Invalid events configuration: variables must be strings');
  const e = parsed.data;
  let webhook: WebhookConfig | null = null;
  if (e.KHULASA_WEBHOOK_URL !== undefined) {
    if (!isHttpUrl(e.KHULASA_WEBHOOK_URL))
      throw new EventsConfigError(
        `KHULASA_WEBHOOK_URL must be an http(s) URL such as http://127.0.0.1:8080/hooks/khulasa (got ${JSON.stringify(e.KHULASA_WEBHOOK_URL)})`,
      );
    if (e.KHULASA_WEBHOOK_SECRET === undefined)
      throw new EventsConfigError(
        'KHULASA_WEBHOOK_SECRET is required with KHULASA_WEBHOOK_URL: webhooks are always signed (e.g. KHULASA_WEBHOOK_SECRET=$(openssl rand -hex 32))',
      );
    if (e.KHULASA_WEBHOOK_SECRET.length < MIN_WEBHOOK_SECRET_CHARS)
      throw new EventsConfigError(
        `KHULASA_WEBHOOK_SECRET must be at least ${MIN_WEBHOOK_SECRET_CHARS} characters (e.g. $(openssl rand -hex 32))`,
      );
    webhook = { url: e.KHULASA_WEBHOOK_URL, secret: e.KHULASA_WEBHOOK_SECRET };
  } else if (e.KHULASA_WEBHOOK_SECRET !== undefined) {
    throw new EventsConfigError(
      'KHULASA_WEBHOOK_SECRET is set but KHULASA_WEBHOOK_URL is not: set both or neither',
    );
  }
  return { busName: e.EVENT_BUS_NAME ?? null, eventsDir: e.KHULASA_EVENTS_DIR ?? null, webhook } as const;
}
