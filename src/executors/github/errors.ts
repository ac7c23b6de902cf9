/**
 * GitHub API failures as TaskErrors a retry policy can act on: rate limits and 5xx
 * are retryable (with the delay GitHub asked for), other 4xx are not, since sending
 * the same request again would only be refused again.
 */
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { isRateLimited, retryDelayMs, waitTooLong, type HeaderBag } from './rate-limit.js';
import { redact } from './secrets.js';

export const GithubErrorCodes = {
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'GITHUB_UNAVAILABLE',
  UNAUTHORIZED: 'GITHUB_UNAUTHORIZED',
  NOT_FOUND: 'GITHUB_NOT_FOUND',
  REJECTED: 'GITHUB_REJECTED',
} as const;

interface HttpErrorLike {
  status?: unknown;
  message?: unknown;
  name?: unknown;
  response?: { headers?: HeaderBag };
}

/**
 * Maps what Octokit threw while doing `action` (e.g. `open a pull request on o/r`).
 * `signal` is the task's own: when it aborted, its reason wins over the fetch's error.
 */
export function githubFailure(error: unknown, action: string, signal: AbortSignal, secrets: readonly string[]): TaskError {
  if (signal.aborted) {
    return signal.reason instanceof TaskError ? signal.reason : new TaskError(ErrorCodes.CANCELLED, `cancelled while trying to ${action}`);
  }
  if (error instanceof TaskError) return error;
  const e = (error ?? {}) as HttpErrorLike;
  const message = redact(typeof e.message === 'string' ? e.message : String(error), secrets);
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new TaskError(ErrorCodes.TIMEOUT, `GitHub did not answer in time while trying to ${action}`, { retryable: true, cause: error });
  }
  const status = typeof e.status === 'number' ? e.status : 0;
  const headers = e.response?.headers ?? {};
  const said = `could not ${action}: GitHub answered ${status}: ${message}`;
  if (isRateLimited(status, headers, message)) {
    const tooLong = waitTooLong('GitHub', headers);
    if (tooLong) return new TaskError(GithubErrorCodes.RATE_LIMITED, `${said}. The rate limit was reached: ${tooLong}.`, { retryable: false, details: { status } });
    const retryAfterMs = retryDelayMs(headers);
    const wait = retryAfterMs === undefined ? '' : ` GitHub asks to wait ${Math.ceil(retryAfterMs / 1000)} s.`;
    return new TaskError(GithubErrorCodes.RATE_LIMITED, `${said}. The rate limit was reached.${wait}`, {
      retryable: true,
      retryAfterMs,
      details: { status },
    });
  }
  if (status >= 500 || status === 0) {
    const what = status === 0 ? `could not ${action}: ${message}` : said;
    return new TaskError(GithubErrorCodes.UNAVAILABLE, `${what}. This is usually temporary; the task will be retried.`, {
      retryable: true,
      details: { status },
    });
  }
  if (status === 401) {
    return new TaskError(GithubErrorCodes.UNAUTHORIZED, `${said}. Check that GITHUB_TOKEN (or GH_TOKEN) holds a valid token.`, {
      retryable: false,
      details: { status },
    });
  }
  const code = status === 404 ? GithubErrorCodes.NOT_FOUND : GithubErrorCodes.REJECTED;
  const hint = status === 404 ? ' Check the repository name and that the token can see it.' : '';
  return new TaskError(code, `${said}.${hint}`, { retryable: false, details: { status } });
}
