import { describe, expect, it } from 'vitest';
import { recordId } from '../../../lib/domain/id.ts';
import { normaliseSequencer, SEQUENCER_WIDTH } from '../../../lib/store/sequencer.ts';

describe('recordId', () => {
  it('is the unpadded base64url SHA-256 of bucket/key (value computed with sha256sum)', () => {
    expect(recordId('articles', 'incoming/تقرير 1.txt')).toBe('XRcAveIDrzipOUPSbLjQW2qFQVNFHgem4MK-I8L19zo');
  });

  it('always has 43 URL-safe characters', () => {
    expect(recordId('b', 'k')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('normaliseSequencer', () => {
  it('right-pads to a fixed width in upper case so string order is event order', () => {
    const short = normaliseSequencer('0055aed6dcd90281e');
    const long = normaliseSequencer('0055AED6DCD90281E5');
    expect(short).toHaveLength(SEQUENCER_WIDTH);
    expect(short).toBe('0055AED6DCD90281E000000000000000');
    expect(String(short) < String(long)).toBe(true);
    // Unpadded, plain string comparison would get this pair wrong.
    expect(normaliseSequencer('AB')).toBe(normaliseSequencer('AB0'));
  });

  it('maps a missing sequencer to null and refuses non-hex input', () => {
    expect(normaliseSequencer(null)).toBeNull();
    expect(normaliseSequencer('')).toBeNull();
    expect(() => normaliseSequencer('xyz')).toThrow(TypeError);
  });
});
