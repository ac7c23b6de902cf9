/**
 * Octokit, set up the way every weft call to GitHub needs it: the token from the
 * environment, a configurable API URL (GitHub Enterprise), each request bounded by
 * a timeout and by the task's signal, and failures mapped by `githubFailure`.
 */
import { Octokit } from '@octokit/rest';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { githubFailure } from './errors.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
export const DEFAULT_GITHUB_TIMEOUT_MS = 30_000;

export interface GithubApiOptions {
  token?: string;
  /** @default https://api.github.com */
  baseUrl?: string;
  /** Per request. @default 30000 */
  timeoutMs?: number;
  signal: AbortSignal;
  log?: (line: string) => void;
}

/** The first of GITHUB_TOKEN and GH_TOKEN that is set, the task's env before the process's. */
export function githubToken(env: Record<string, string | undefined>): string | undefined {
  for (const source of [env, process.env]) {
    const token = source.GITHUB_TOKEN || source.GH_TOKEN;
    if (token) return token;
  }
  return undefined;
}

/** The web host for an API URL: api.github.com → https://github.com; https://ghe/api/v3 → https://ghe. */
export function webUrlOf(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/$/, '')}`;
}

export class GithubApi {
  readonly baseUrl: string;
  private readonly options: GithubApiOptions;

  constructor(options: GithubApiOptions) {
    this.options = options;
    this.baseUrl = (options.baseUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/$/, '');
  }

  /**
   * Runs one or more requests as `action` (said in error messages, e.g. "open a pull
   * request on o/r"), under a fresh timeout for the whole call.
   */
  async call<T>(action: string, requests: (octokit: Octokit) => Promise<T>): Promise<T> {
    const { signal, token } = this.options;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_GITHUB_TIMEOUT_MS);
    const octokit = new Octokit({
      auth: token,
      baseUrl: this.baseUrl,
      userAgent: 'weft',
      request: { signal: AbortSignal.any([signal, timeout]) },
      log: this.logger(),
    });
    try {
      return await requests(octokit);
    } catch (error) {
      if (timeout.aborted && !signal.aborted) {
        throw new TaskError(ErrorCodes.TIMEOUT, `GitHub (${this.baseUrl}) did not answer within ${this.timeoutText()} while trying to ${action}`, {
          retryable: true,
          cause: error,
        });
      }
      throw githubFailure(error, action, signal, token ? [token] : []);
    }
  }

  private timeoutText(): string {
    return `${((this.options.timeoutMs ?? DEFAULT_GITHUB_TIMEOUT_MS) / 1000).toString()} s`;
  }

  private logger() {
    const log = this.options.log ?? (() => undefined);
    const quiet = (): void => undefined;
    return { debug: quiet, info: (line: string) => log(line), warn: (line: string) => log(line), error: quiet };
  }
}
