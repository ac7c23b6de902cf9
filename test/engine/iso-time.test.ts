import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/engine/iso-time.js';

describe('isoTime', () => {
  it('writes what Date#toISOString writes, for any whole millisecond from 1970 to 9999, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 253_402_300_799_999 }), { minLength: 1, maxLength: 20 }), (times) => {
        for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 500 },
    );
  });

  it('crosses minute, hour, day and year boundaries as the clock moves on', () => {
    const start = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
    for (let ms = start; ms < start + 4000; ms += 7) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
