import { describe, expect, it } from 'vitest';
import { jsonErrorLog } from '../../../functions/api/error-log.ts';

describe('the api error log', () => {
  it('writes one structured JSON line with the service and the error, as Powertools would', () => {
    const lines: string[] = [];
    const log = jsonErrorLog('khulasa-api', (line) => lines.push(line));

    log.error('api request failed', { error: new TypeError('boom'), path: '/summaries' });

    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 'ERROR',
      message: 'api request failed',
      service: 'khulasa-api',
      path: '/summaries',
      error: { name: 'TypeError', message: 'boom' },
    });
    expect(entry.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((entry.error as { stack: string }).stack).toContain('TypeError: boom');
  });
});
