import { describe, expect, it } from 'vitest';
import { keysOfBody } from '../../../cli/commands/redrive.ts';
import { FORCE_ATTRIBUTES, notificationBody, withForce } from '../../../cli/notification.ts';
import { objectEventsFrom, parseS3NotificationBody } from '../../../lib/events/s3-notification.ts';

const source = {
  bucket: 'articles',
  key: 'incoming/تقرير 1+2 (نهائي)%.txt',
  size: 11_114,
  etag: '9b2cf535f27731c974343645a3985328',
  versionId: null,
  sequencer: '0055AED6DCD90281E5000000000000000',
};

describe('notificationBody', () => {
  it('encodes the key as S3 does: spaces as +, a literal + and non-ASCII percent-encoded, / kept', () => {
    const body = JSON.parse(notificationBody(source)) as {
      Records: { eventName: string; s3: { object: { key: string } } }[];
    };
    const key = body.Records[0]?.s3.object.key ?? '';

    expect(body.Records[0]?.eventName).toBe('ObjectCreated:Put');
    expect(key.startsWith('incoming/')).toBe(true);
    expect(key).toContain('+1%2B2+%28');
    expect(key).toMatch(/%25\.txt$/);
    expect(key).not.toMatch(/[ ء-ي]/u);
  });

  it('round-trips through the ingest handler’s parser to the stored object version', () => {
    const parsed = parseS3NotificationBody(notificationBody(source));

    expect(parsed.type).toBe('objects');
    const events = parsed.type === 'objects' ? parsed.events : [];
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'created',
        bucket: 'articles',
        key: source.key,
        size: source.size,
        etag: source.etag,
        versionId: null,
        sequencer: source.sequencer,
      }),
    ]);
  });

  it('leaves out what the record does not know, so the claim compares by etag and version', () => {
    const body = JSON.parse(notificationBody({ ...source, size: null, sequencer: null })) as {
      Records: { s3: { object: Record<string, unknown> } }[];
    };
    const object = body.Records[0]?.s3.object ?? {};

    expect(object).not.toHaveProperty('sequencer');
    expect(object).not.toHaveProperty('size');
    expect(
      objectEventsFrom(JSON.parse(notificationBody({ ...source, sequencer: null }))).events[0]?.sequencer,
    ).toBe(null);
  });
});

describe('withForce', () => {
  it('adds force=true to the attributes a dead-lettered message carried', () => {
    const attributes = withForce({ origin: { dataType: 'String', stringValue: 'cli' } });

    expect(attributes).toEqual({ origin: { dataType: 'String', stringValue: 'cli' }, ...FORCE_ATTRIBUTES });
    expect(withForce(undefined).force?.stringValue).toBe('true');
  });
});

describe('keysOfBody', () => {
  it('names the decoded keys of a notification body, and nothing for other bodies', () => {
    expect(keysOfBody(notificationBody(source))).toEqual([source.key]);
    expect(keysOfBody('{"Event":"s3:TestEvent"}')).toEqual([]);
    expect(keysOfBody('not json')).toEqual([]);
  });
});
