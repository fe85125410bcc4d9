import { describe, expect, it } from 'vitest';
import {
  compareSequencers,
  decodeS3Key,
  parseS3NotificationBody,
} from '../../../lib/events/s3-notification.ts';

const notification = (key: string, eventName = 'ObjectCreated:Put', extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName,
        eventTime: '2026-11-28T10:00:00.000Z',
        s3: {
          bucket: { name: 'articles' },
          object: { key, size: 11114, eTag: '0123abcd', sequencer: '0065A1B2C3D4E5F601', ...extra },
        },
      },
    ],
  });

describe('decodeS3Key', () => {
  it.each([
    [
      'incoming/%D8%AA%D9%82%D8%B1%D9%8A%D8%B1+%D8%A7%D9%84%D8%A5%D9%86%D8%AA%D8%B1%D8%A8%D9%88%D9%84+%281%29.txt',
      'incoming/تقرير الإنتربول (1).txt',
    ],
    ['a+b.txt', 'a b.txt'],
    ['a%2Bb.txt', 'a+b.txt'],
    ['100%25+done.txt', '100% done.txt'],
    ['news%3A2026%2F11.txt', 'news:2026/11.txt'],
    ['%F0%9F%93%B0+news.txt', '📰 news.txt'],
    ['plain/key.txt', 'plain/key.txt'],
  ])('decodes %s to the stored key', (encoded, expected) => {
    expect(decodeS3Key(encoded)).toBe(expected);
  });

  it('keeps a key that is not valid percent-encoding instead of throwing', () => {
    expect(decodeS3Key('50%+off.txt')).toBe('50% off.txt');
  });
});

describe('parseS3NotificationBody', () => {
  it('turns an ObjectCreated record into a created event with the decoded key', () => {
    const parsed = parseS3NotificationBody(notification('incoming/%D8%AE%D8%A8%D8%B1+1.txt'));

    expect(parsed).toEqual({
      type: 'objects',
      ignored: 0,
      events: [
        {
          kind: 'created',
          eventName: 'ObjectCreated:Put',
          bucket: 'articles',
          key: 'incoming/خبر 1.txt',
          size: 11114,
          etag: '0123abcd',
          versionId: null,
          sequencer: '0065A1B2C3D4E5F601',
          eventTime: '2026-11-28T10:00:00.000Z',
        },
      ],
    });
  });

  it('turns ObjectRemoved into a removed event', () => {
    const parsed = parseS3NotificationBody(
      notification('a.txt', 'ObjectRemoved:Delete', { size: undefined }),
    );
    expect(parsed.type === 'objects' && parsed.events[0]?.kind).toBe('removed');
  });

  it('recognises the s3:TestEvent S3 sends when notifications are configured', () => {
    const body = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-11-28T10:00:00.000Z',
      Bucket: 'articles',
      RequestId: 'X',
      HostId: 'Y',
    });
    expect(parseS3NotificationBody(body)).toEqual({ type: 'test' });
  });

  it('ignores folder placeholders and events that are neither created nor removed', () => {
    const folder = parseS3NotificationBody(notification('incoming/'));
    const restore = parseS3NotificationBody(notification('a.txt', 'ObjectRestore:Completed'));
    expect(folder).toEqual({ type: 'objects', events: [], ignored: 1 });
    expect(restore).toEqual({ type: 'objects', events: [], ignored: 1 });
  });

  it('strips quotes from an etag', () => {
    const parsed = parseS3NotificationBody(notification('a.txt', 'ObjectCreated:Put', { eTag: '"abc"' }));
    expect(parsed.type === 'objects' && parsed.events[0]?.etag).toBe('abc');
  });

  it.each([
    ['not json', '{nope'],
    ['no records', '{"foo":1}'],
    ['record without s3 entity', '{"Records":[{"eventName":"ObjectCreated:Put"}]}'],
  ])('reports an invalid body (%s) instead of guessing', (_name, body) => {
    expect(parseS3NotificationBody(body).type).toBe('invalid');
  });
});

describe('compareSequencers', () => {
  it('orders hex sequencers of different lengths after right-padding with zeros', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBe(-1);
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E500')).toBe(0);
    expect(compareSequencers('0055AED6DCD9028200', '0055AED6DCD90281E5FF')).toBe(1);
    expect(compareSequencers('00a', '00A')).toBe(0);
  });
});
