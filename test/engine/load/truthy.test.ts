import { describe, expect, it } from 'vitest';
import { isTruthy } from '../../../src/engine/load/truthy.js';

describe('isTruthy', () => {
  it('is false for false, 0, -0, NaN, empty text, null and undefined', () => {
    for (const value of [false, 0, -0, Number.NaN, '', null, undefined]) expect(isTruthy(value)).toBe(false);
  });

  it("is true for everything else, including 'false', {} and []", () => {
    for (const value of [true, 1, -1, 'false', '0', ' ', {}, [], Number.POSITIVE_INFINITY]) expect(isTruthy(value)).toBe(true);
  });
});
