import { describe, expect, it } from 'vitest';
import { MAX_EVENT_TITLE_CHARS, outcomeEventOf } from '../../../lib/domain/outcome-event.ts';
import type { SummaryRecord } from '../../../lib/domain/record.ts';

const base: SummaryRecord = {
  id: 'rec-1',
  status: 'done',
  source: {
    bucket: 'articles',
    key: 'incoming/a.txt',
    versionId: null,
    etag: 'e',
    size: 10,
    contentType: null,
  },
  article: {
    title: 'مكتبة عامة',
    language: 'ar',
    publishedAt: null,
    outlet: null,
    wordCount: 40,
    related: [],
  },
  summaries: {
    en: { title: 'Library', summary: 'The city opened a library.', keyPoints: [] },
    ar: { title: 'مكتبة', summary: 'افتتحت البلدية مكتبة.', keyPoints: [] },
  },
  entities: [],
  topics: [],
  quality: { flags: [] },
  model: null,
  usage: null,
  contentHash: 'h',
  schemaVersion: 1,
  error: null,
  createdAt: '2026-11-29T09:00:00.000Z',
  updatedAt: '2026-11-29T09:00:05.000Z',
};

describe('outcomeEventOf', () => {
  it('describes a done record by its languages, title and revision, without its text', () => {
    const event = outcomeEventOf(base, 2);

    expect(event).toEqual({
      source: 'khulasa',
      'detail-type': 'Summary Done',
      time: '2026-11-29T09:00:05.000Z',
      detail: {
        id: 'rec-1',
        bucket: 'articles',
        key: 'incoming/a.txt',
        status: 'done',
        revision: 2,
        title: 'مكتبة عامة',
        languages: ['ar', 'en'],
        errorCode: null,
        updatedAt: '2026-11-29T09:00:05.000Z',
      },
    });
    expect(JSON.stringify(event)).not.toContain('library');
  });

  it('names the error code of a failed record and no languages', () => {
    const failed: SummaryRecord = {
      ...base,
      status: 'failed',
      summaries: {},
      error: { code: 'undecodable', message: 'The bytes are not text in any supported encoding.' },
    };

    expect(outcomeEventOf(failed, 3)?.detail).toMatchObject({
      status: 'failed',
      errorCode: 'undecodable',
      languages: [],
    });
    expect(outcomeEventOf(failed, 3)?.['detail-type']).toBe('Summary Failed');
  });

  it('announces a tombstone as Summary Deleted and nothing for a record still processing', () => {
    expect(outcomeEventOf({ ...base, status: 'deleted' }, 5)?.['detail-type']).toBe('Summary Deleted');
    expect(outcomeEventOf({ ...base, status: 'deleted' }, 5)?.detail.languages).toEqual([]);
    expect(outcomeEventOf({ ...base, status: 'processing' }, 1)).toBeNull();
  });

  it('cuts a long title to a bounded number of characters', () => {
    const long = { ...base, article: { ...base.article, title: 'ب'.repeat(1000) } } as SummaryRecord;

    expect(Array.from(outcomeEventOf(long, 2)?.detail.title ?? '')).toHaveLength(MAX_EVENT_TITLE_CHARS);
  });
});
