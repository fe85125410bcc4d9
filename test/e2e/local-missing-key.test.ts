/**
 * `LLM_PROVIDER=openai npm start` without a key, as a newcomer might run it: the line that says
 * the stack gave up on an upload names the file and tells the person what to set and where, in
 * words (no error class names), and the record says it too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordId } from '../../lib/domain/id.ts';
import type { SummaryRecord } from '../../lib/domain/record.ts';
import { BUCKET, clientFor } from '../support/local-s3.ts';
import { pollJson, type StackProcess, startStackProcess } from '../support/stack-process.ts';

const KEY = 'incoming/no key.txt';

describe('the local stack without an OpenAI key', () => {
  let stack: StackProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'khulasa-no-key-'));
    stack = await startStackProcess({
      KHULASA_DATA_DIR: dataDir,
      KHULASA_SAMPLES: 'false',
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: '',
      // One try: the upload is given up on at once.
      MAX_RECEIVE_COUNT: '1',
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says which upload it gave up on and what to set, where, in words', async () => {
    const s3 = clientFor(stack.s3Endpoint);
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: KEY,
        Body: 'A short article that needs an LLM to be summarised.',
      }),
    );
    s3.destroy();

    const line = await stack.waitForOutput(/^✗ gave up on .*$/m, 60_000);
    const record = await pollJson<SummaryRecord>(
      `${stack.apiUrl}/summaries/${recordId(BUCKET, KEY)}`,
      (body, status) => status === 200 && (body as SummaryRecord).status === 'failed',
    );

    expect(line).toBe(
      `✗ gave up on ${KEY} after 1 try: No OpenAI API key is set: neither OPENAI_API_KEY nor the stack's OpenAI secret holds one. ` +
        'Set OPENAI_API_KEY (or LLM_PROVIDER=extractive for the offline summariser) in the shell that runs npm start, restart it, then run npm run khulasa -- redrive.',
    );
    expect(stack.output()).not.toMatch(/RetryLaterError|TransientError|LlmNotConfiguredError/);
    expect(record.error).toEqual({
      code: 'llm_not_configured',
      message: expect.stringMatching(/^No OpenAI API key is set: neither OPENAI_API_KEY nor/),
    });
  }, 90_000);
});
