import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { resolveRetryPolicy, retryDelay, shouldRetry } from '../../src/engine/retry-policy.js';

const failure = (code = 'NONZERO_EXIT', options = {}) => new TaskError(code, 'boom', options);

describe('retry policy', () => {
  it('defaults to one attempt', () => {
    expect(shouldRetry(resolveRetryPolicy(), failure(), 1)).toBe(false);
  });

  it('merges field by field: executor < defaults < task', () => {
    const policy = resolveRetryPolicy({ maxAttempts: 5, delay: '1s', jitter: 'full' }, { delay: 200 }, { backoff: 'linear' });
    expect(policy).toMatchObject({ maxAttempts: 5, delayMs: 200, jitter: 'full', backoff: 'linear' });
  });

  it('computes fixed, linear and exponential delays capped by maxDelay', () => {
    const err = failure();
    expect(retryDelay(resolveRetryPolicy({ delay: 100 }), err, 3)).toBe(100);
    expect(retryDelay(resolveRetryPolicy({ delay: 100, backoff: 'linear' }), err, 3)).toBe(300);
    const exp = resolveRetryPolicy({ delay: 100, backoff: 'exponential', factor: 3, maxDelay: 500 });
    expect([1, 2, 3].map((a) => retryDelay(exp, err, a))).toEqual([100, 300, 500]);
  });

  it('applies full and equal jitter within their ranges', () => {
    const policy = (jitter: 'full' | 'equal') => resolveRetryPolicy({ delay: 1000, jitter });
    expect(retryDelay(policy('full'), failure(), 1, () => 0.25)).toBe(250);
    expect(retryDelay(policy('equal'), failure(), 1, () => 0)).toBe(500);
    expect(retryDelay(policy('equal'), failure(), 1, () => 0.999)).toBeLessThan(1000);
  });

  it('lets an error override the delay with retryAfterMs', () => {
    expect(retryDelay(resolveRetryPolicy({ delay: 10 }), failure('RATE', { retryAfterMs: 1234 }), 1)).toBe(1234);
  });

  it('honours retryOn, abortOn, retryable:false and never retries INVALID_INPUT', () => {
    const policy = resolveRetryPolicy({ maxAttempts: 3, retryOn: ['NONZERO_EXIT', 'INVALID_INPUT'], abortOn: ['FATAL'] });
    expect(shouldRetry(policy, failure('NONZERO_EXIT'), 1)).toBe(true);
    expect(shouldRetry(policy, failure('NONZERO_EXIT'), 3)).toBe(false);
    expect(shouldRetry(policy, failure('TIMEOUT'), 1)).toBe(false);
    expect(shouldRetry(resolveRetryPolicy({ maxAttempts: 3, abortOn: ['FATAL'] }), failure('FATAL'), 1)).toBe(false);
    expect(shouldRetry(policy, failure('NONZERO_EXIT', { retryable: false }), 1)).toBe(false);
    expect(shouldRetry(policy, failure('INVALID_INPUT'), 1)).toBe(false);
  });
});
