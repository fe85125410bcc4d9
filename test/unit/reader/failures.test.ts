import { describe, expect, it } from 'vitest';
import { FAILURE_HELP } from '../../../functions/api/reader/failures.ts';
import { READER_JS } from '../../../functions/api/reader/script.ts';
import { ERROR_CODES } from '../../../lib/domain/error-codes.ts';

describe('reader failure sentences', () => {
  it('has a sentence and a next step for every record error code, and no stale codes', () => {
    expect(Object.keys(FAILURE_HELP).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, help] of Object.entries(FAILURE_HELP)) {
      expect(help.what, code).toMatch(/^[A-Zk].+\.$/);
      expect(help.todo, code).toMatch(/[.:]$/);
      // A step that ends in ':' is followed by the command, so it must name one.
      expect(help.todo.endsWith(':'), code).toBe(help.run !== null);
    }
  });

  it('sends dead-lettered failures to redrive and final ones to reprocess', () => {
    expect(FAILURE_HELP.llm_not_configured?.run).toBe('redrive');
    expect(FAILURE_HELP.llm_failed?.run).toBe('redrive');
    expect(FAILURE_HELP.internal?.run).toBe('redrive');
    expect(FAILURE_HELP.llm_refused?.run).toBe('reprocess');
  });

  it('embeds the sentences in the page script as plain data (no backslash to escape)', () => {
    expect(READER_JS).toContain(JSON.stringify(FAILURE_HELP));
    expect(READER_JS).not.toContain('\\');
  });
});
