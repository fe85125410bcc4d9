import { describe, expect, it } from 'vitest';
import { EventsConfigError, loadEventsConfig } from '../../../lib/config/events.ts';

const SECRET = 'a-webhook-secret-of-32-characters';

describe('events configuration', () => {
  it('publishes nowhere when nothing is set', () => {
    expect(loadEventsConfig({})).toEqual({ busName: null, eventsDir: null, webhook: null });
  });

  it('reads the bus, the local events folder and a signed webhook', () => {
    const config = loadEventsConfig({
      EVENT_BUS_NAME: 'KhulasaEventsBus',
      KHULASA_EVENTS_DIR: '/tmp/k/events',
      KHULASA_WEBHOOK_URL: 'https://hooks.example.org/khulasa',
      KHULASA_WEBHOOK_SECRET: SECRET,
    });

    expect(config).toEqual({
      busName: 'KhulasaEventsBus',
      eventsDir: '/tmp/k/events',
      webhook: { url: 'https://hooks.example.org/khulasa', secret: SECRET },
    });
  });

  it('treats exported-but-empty variables as unset', () => {
    expect(
      loadEventsConfig({ EVENT_BUS_NAME: ' ', KHULASA_WEBHOOK_URL: '', KHULASA_WEBHOOK_SECRET: '' }),
    ).toEqual({
      busName: null,
      eventsDir: null,
      webhook: null,
    });
  });

  it('refuses a webhook URL without a secret: webhooks are always signed', () => {
    expect(() => loadEventsConfig({ KHULASA_WEBHOOK_URL: 'http://127.0.0.1:9000/hook' })).toThrow(
      new EventsConfigError(
        'KHULASA_WEBHOOK_SECRET is required with KHULASA_WEBHOOK_URL: webhooks are always signed (e.g. KHULASA_WEBHOOK_SECRET=$(openssl rand -hex 32))',
      ),
    );
  });

  it('refuses a short secret without echoing it', () => {
    const attempt = () =>
      loadEventsConfig({
        KHULASA_WEBHOOK_URL: 'http://127.0.0.1:9000/hook',
        KHULASA_WEBHOOK_SECRET: 'hunter2',
      });

    expect(attempt).toThrow(/KHULASA_WEBHOOK_SECRET must be at least 16 characters/);
    expect(attempt).not.toThrow(/hunter2/);
  });

  it('refuses a URL that is not http(s), and a secret without a URL', () => {
    expect(() =>
      loadEventsConfig({ KHULASA_WEBHOOK_URL: 'ftp://x/y', KHULASA_WEBHOOK_SECRET: SECRET }),
    ).toThrow(/KHULASA_WEBHOOK_URL must be an http\(s\) URL/);
    expect(() => loadEventsConfig({ KHULASA_WEBHOOK_SECRET: SECRET })).toThrow(
      /KHULASA_WEBHOOK_SECRET is set but KHULASA_WEBHOOK_URL is not/,
    );
  });
});
