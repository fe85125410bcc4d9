import { describe, expect, it } from 'vitest';
import { LlmUnavailableError, NoTextError, UnsupportedTypeError } from '../../../lib/errors.ts';
import { describeCause, RetryLaterError, type Settling, settle } from '../../../lib/pipeline/outcome.ts';
import { ClaimLostError, type RecordWriter } from '../../../lib/pipeline/ports.ts';

type Failed = Parameters<RecordWriter['fail']>;

function writer(failWith?: Error): RecordWriter & { failed: Failed[] } {
  const failed: Failed[] = [];
  return {
    failed,
    claim: async () => {
      throw new Error('not used');
    },
    complete: async () => {
      throw new Error('not used');
    },
    tombstone: async () => false,
    async fail(...args: Failed) {
      if (failWith) throw failWith;
      failed.push(args);
    },
  };
}

const settling = (over: Partial<Settling> = {}): Settling => ({
  id: 'rec-1',
  owner: 'msg-1',
  isLastAttempt: false,
  article: null,
  now: new Date('2026-03-01T10:00:00Z'),
  ...over,
});

describe('settle', () => {
  it('ends an article error as a failed record with its own code and acknowledges it', async () => {
    const records = writer();

    const outcome = await settle(records, settling(), new NoTextError());

    expect(outcome).toEqual({ status: 'failed', id: 'rec-1', code: 'no_text' });
    expect(records.failed[0]?.[2]).toMatchObject({ code: 'no_text', transient: false });
  });

  it("writes khulasa's message into the record and gives the parser's own words to the log as the cause", async () => {
    const records = writer();
    const parserError = new Error('Corrupted zip: missing 1234 bytes at /var/task/node_modules/jszip');

    const outcome = await settle(
      records,
      settling(),
      new UnsupportedTypeError('The DOCX file is damaged and cannot be read.', { cause: parserError }),
    );

    expect(records.failed[0]?.[2]).toMatchObject({ message: 'The DOCX file is damaged and cannot be read.' });
    expect(outcome).toEqual({
      status: 'failed',
      id: 'rec-1',
      code: 'unsupported_type',
      cause: 'Error: Corrupted zip: missing 1234 bytes at /var/task/node_modules/jszip',
    });
  });

  it('describes a chain of causes for the log and nothing when there is none', () => {
    const inner = new TypeError('boom');
    const outer = new Error('wrapped', { cause: inner });

    expect(describeCause(new Error('top', { cause: outer }))).toBe('Error: wrapped ← TypeError: boom');
    expect(describeCause(new Error('alone'))).toBeUndefined();
  });

  it('sends a transient failure back to the queue with its code, leaving the record alone', async () => {
    const records = writer();

    const error = await settle(
      records,
      settling(),
      new LlmUnavailableError('503', { retryAfterSeconds: 7 }),
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error).toMatchObject({ code: 'llm_failed', retryAfterSeconds: 7 });
    expect(records.failed).toEqual([]);
  });

  it('marks the record failed on the last attempt and still sends the message on', async () => {
    const records = writer();

    await expect(settle(records, settling({ isLastAttempt: true }), new Error('boom'))).rejects.toMatchObject(
      {
        code: 'internal',
      },
    );
    expect(records.failed[0]?.[2]).toMatchObject({ code: 'internal', transient: true });
    expect(records.failed[0]?.[2].message).not.toContain('boom');
  });

  it('drops the attempt quietly when the claim was lost, before or while settling', async () => {
    const lost = new ClaimLostError('rec-1', 'msg-1');

    expect(await settle(writer(), settling(), lost)).toEqual({
      status: 'skipped',
      id: 'rec-1',
      reason: 'superseded',
    });
    expect(await settle(writer(lost), settling(), new NoTextError())).toEqual({
      status: 'skipped',
      id: 'rec-1',
      reason: 'superseded',
    });
  });
});
