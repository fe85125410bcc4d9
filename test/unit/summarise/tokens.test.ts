import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateTokens, loadTokenCounter, mayExceed } from '../../../lib/summarise/tokens.ts';
import { SOLAR_ARTICLE } from '../../support/articles.ts';

describe('token estimate', () => {
  it('over-estimates real o200k counts of Arabic and English news', async () => {
    const count = await loadTokenCounter();
    const english = 'The energy ministry opened a 300-megawatt solar plant in the south on Monday. '.repeat(
      20,
    );

    expect(estimateTokens(SOLAR_ARTICLE.text)).toBeGreaterThan(count(SOLAR_ARTICLE.text));
    expect(estimateTokens(english)).toBeGreaterThan(count(english));
  });

  it('says a text may exceed the budget only when its size says so', () => {
    expect(mayExceed('a'.repeat(24_000), 12_000)).toBe(false);
    expect(mayExceed('a'.repeat(24_002), 12_000)).toBe(true);
  });

  it('counts special-token text in an article as plain text', async () => {
    const count = await loadTokenCounter();

    expect(count('before <|endoftext|> after')).toBeGreaterThan(3);
  });

  it('is imported nowhere statically, so bundles and ordinary articles never load its table', () => {
    const dir = join(process.cwd(), 'lib/summarise');
    const statics = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /^import[^;]*from\s+['"]gpt-tokenizer/mu.test(readFileSync(join(dir, f), 'utf8')));

    expect(statics).toEqual([]);
  });
});
