/**
 * Retry policies: merged field by field (executor default < workflow defaults <
 * task), then asked two questions after a failed attempt: retry? and after how long?
 */
import { TaskError } from './errors.js';
import type { Backoff, Jitter, RetryOptions } from './types.js';
import { MAX_DURATION_MS, parseDuration as toMs } from './load/index.js';

export interface RetryPolicy {
  maxAttempts: number;
  backoff: Backoff;
  delayMs: number;
  factor: number;
  maxDelayMs: number;
  jitter: Jitter;
  retryOn?: readonly string[];
  abortOn?: readonly string[];
}

const ENGINE_DEFAULT: RetryPolicy = {
  maxAttempts: 1,
  backoff: 'fixed',
  delayMs: 0,
  factor: 2,
  maxDelayMs: Number.POSITIVE_INFINITY,
  jitter: 'none',
};

/** Codes that no policy retries: the same input would fail the same way. */
const NEVER_RETRIED = new Set(['INVALID_INPUT', 'CANCELLED', 'EXPRESSION_ERROR']);

/** Later layers win, field by field; `undefined` fields fall through. */
export function resolveRetryPolicy(...layers: (RetryOptions | undefined)[]): RetryPolicy {
  const policy: RetryPolicy = { ...ENGINE_DEFAULT };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.maxAttempts !== undefined) policy.maxAttempts = layer.maxAttempts;
    if (layer.backoff !== undefined) policy.backoff = layer.backoff;
    if (layer.delay !== undefined) policy.delayMs = toMs(layer.delay);
    if (layer.factor !== undefined) policy.factor = layer.factor;
    if (layer.maxDelay !== undefined) policy.maxDelayMs = toMs(layer.maxDelay);
    if (layer.jitter !== undefined) policy.jitter = layer.jitter;
    if (layer.retryOn !== undefined) policy.retryOn = layer.retryOn;
    if (layer.abortOn !== undefined) policy.abortOn = layer.abortOn;
  }
  return policy;
}

/** Whether the attempt that just failed (1-based `attempt`) gets another try. */
export function shouldRetry(policy: RetryPolicy, error: TaskError, attempt: number): boolean {
  if (attempt >= policy.maxAttempts) return false;
  if (error.retryable === false || NEVER_RETRIED.has(error.code)) return false;
  if (policy.abortOn?.includes(error.code)) return false;
  if (policy.retryOn && !policy.retryOn.includes(error.code)) return false;
  return true;
}

/** The wait before attempt `attempt + 1`, in ms. `random` is injectable for tests. */
export function retryDelay(policy: RetryPolicy, error: TaskError, attempt: number, random = Math.random): number {
  // setTimeout fires at once for a delay past 2^31 ms: an executor asking for more is held to the longest timer.
  if (error.retryAfterMs !== undefined && !Number.isNaN(error.retryAfterMs)) return Math.min(Math.max(0, error.retryAfterMs), MAX_DURATION_MS);
  const base = backoffDelay(policy, attempt);
  const capped = Math.min(base, policy.maxDelayMs);
  switch (policy.jitter) {
    case 'none':
      return capped;
    case 'full':
      return Math.floor(random() * capped);
    case 'equal':
      return Math.floor(capped / 2 + random() * (capped / 2));
  }
}

function backoffDelay(policy: RetryPolicy, attempt: number): number {
  switch (policy.backoff) {
    case 'fixed':
      return policy.delayMs;
    case 'linear':
      return policy.delayMs * attempt;
    case 'exponential':
      return policy.delayMs * policy.factor ** (attempt - 1);
  }
}
