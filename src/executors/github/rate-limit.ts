/**
 * How long a server asked us to wait. `retry-after` (seconds, or an HTTP date) is
 * the standard header; GitHub's primary rate limit instead says when the window
 * resets, as epoch seconds in `x-ratelimit-reset`.
 */

export type HeaderBag = Headers | Record<string, string | number | string[] | undefined>;

/** Waits longer than this are capped: the retry policy and the run's timeout still apply. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers instanceof Headers ? headers.get(name) : headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}

/** The delay the response's headers ask for, in ms, or undefined when they name none. */
export function retryDelayMs(headers: HeaderBag, now = Date.now()): number | undefined {
  const after = header(headers, 'retry-after')?.trim();
  if (after) {
    const seconds = Number(after);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
    if (Number.isFinite(ms)) return clamp(ms);
  }
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return clamp(reset * 1000 - now);
  return undefined;
}

/** True when GitHub says the rate limit, primary or secondary, was what refused the request. */
export function isRateLimited(status: number, headers: HeaderBag, message = ''): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return (
    header(headers, 'retry-after') !== undefined ||
    header(headers, 'x-ratelimit-remaining') === '0' ||
    /rate limit/i.test(message)
  );
}

function clamp(ms: number): number {
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
}
