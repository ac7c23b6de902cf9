import { describe, expect, it } from 'vitest';
import { MAX_DURATION_MS, parseDuration } from '../../../src/engine/load/durations.js';

describe('parseDuration', () => {
  it('reads units and plain milliseconds', () => {
    expect(parseDuration('150ms')).toBe(150);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0.25m')).toBe(15_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration(42)).toBe(42);
    expect(parseDuration(0)).toBe(0);
  });

  it('rejects text that is not a duration, saying what is accepted', () => {
    expect(() => parseDuration('abc')).toThrow(/invalid duration `abc`: expected `150ms`, `2s`/);
    expect(() => parseDuration('5 minutes')).toThrow(/invalid duration/);
    expect(() => parseDuration('1d')).toThrow(/invalid duration/);
    expect(() => parseDuration('')).toThrow(/invalid duration/);
  });

  it('rejects negative and non-finite numbers', () => {
    expect(() => parseDuration(-1)).toThrow(/cannot be negative/);
    expect(() => parseDuration('-1s')).toThrow(/invalid duration/);
    expect(() => parseDuration(Number.NaN)).toThrow(/invalid duration/);
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(/invalid duration/);
  });

  it('rejects durations a timer cannot wait for (2^31-1 ms and more)', () => {
    expect(parseDuration(MAX_DURATION_MS)).toBe(2 ** 31 - 2);
    expect(() => parseDuration(2 ** 31 - 1)).toThrow(/too long/);
    expect(() => parseDuration('600h')).toThrow(/too long/);
  });
});
