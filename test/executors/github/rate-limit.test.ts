import { describe, expect, it } from 'vitest';
import { isRateLimited, MAX_RETRY_AFTER_MS, retryDelayMs } from '../../../src/executors/github/rate-limit.js';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('retryDelayMs', () => {
  it('reads retry-after as seconds or as an HTTP date', () => {
    expect(retryDelayMs({ 'retry-after': '7' }, now)).toBe(7000);
    expect(retryDelayMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30_000);
  });

  it('reads x-ratelimit-reset as epoch seconds, never negative, capped', () => {
    expect(retryDelayMs({ 'x-ratelimit-reset': String(now / 1000 + 42) }, now)).toBe(42_000);
    expect(retryDelayMs({ 'x-ratelimit-reset': String(now / 1000 - 5) }, now)).toBe(0);
    expect(retryDelayMs({ 'x-ratelimit-reset': String(now / 1000 + 86_400) }, now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('gives undefined when no header names a delay', () => {
    expect(retryDelayMs({}, now)).toBeUndefined();
    expect(retryDelayMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
});

describe('isRateLimited', () => {
  it('is true for 429, and for 403 only with rate-limit evidence', () => {
    expect(isRateLimited(429, {})).toBe(true);
    expect(isRateLimited(403, { 'x-ratelimit-remaining': '0' })).toBe(true);
    expect(isRateLimited(403, { 'retry-after': '60' })).toBe(true);
    expect(isRateLimited(403, {}, 'You have exceeded a secondary rate limit')).toBe(true);
    expect(isRateLimited(403, { 'x-ratelimit-remaining': '4000' }, 'Resource not accessible by integration')).toBe(false);
  });
});
