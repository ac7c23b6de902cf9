/**
 * How long a server asked us to wait. `retry-after` (seconds, or an HTTP date) is
 * the standard header; GitHub's primary rate limit instead says when the window
 * resets, as epoch seconds in `x-ratelimit-reset`.
 */

export type HeaderBag = Headers | Record<string, string | number | string[] | undefined>;

/**
 * The longest wait a server may ask for and still be retried. A task asked to wait
 * longer fails at once, saying when to try again, rather than holding a slot (and
 * the run) for hours on a header's say-so.
 */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers instanceof Headers ? headers.get(name) : headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}

/** The delay the response's headers ask for, in ms (at most MAX_RETRY_AFTER_MS), or undefined when they name none. */
export function retryDelayMs(headers: HeaderBag, now = Date.now()): number | undefined {
  const asked = requestedDelayMs(headers, now);
  return asked === undefined ? undefined : Math.min(asked, MAX_RETRY_AFTER_MS);
}

/** The delay the response's headers ask for, in ms, as asked: `retry-after` (seconds or a date), else `x-ratelimit-reset`. */
export function requestedDelayMs(headers: HeaderBag, now = Date.now()): number | undefined {
  const after = header(headers, 'retry-after')?.trim();
  if (after) {
    const seconds = Number(after);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - now;
    if (Number.isFinite(ms)) return nonNegative(ms);
  }
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return nonNegative(reset * 1000 - now);
  return undefined;
}

/**
 * A sentence for a wait longer than weft will wait, or undefined when the wait
 * (if any) is short enough to retry after.
 */
export function waitTooLong(service: string, headers: HeaderBag, now = Date.now()): string | undefined {
  const asked = requestedDelayMs(headers, now);
  if (asked === undefined || asked <= MAX_RETRY_AFTER_MS) return undefined;
  const at = new Date(now + asked).toISOString();
  return `${service} asks to wait ${describeWait(asked)} before the next request, longer than weft waits (${describeWait(MAX_RETRY_AFTER_MS)}), so the task fails now; run it again after ${at}`;
}

function describeWait(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
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

function nonNegative(ms: number): number {
  return Math.max(0, Math.ceil(ms));
}
