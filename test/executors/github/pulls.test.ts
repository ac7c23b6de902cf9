import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { GithubApi } from '../../../src/executors/github/client.js';
import { fetchIssue } from '../../../src/executors/github/issues.js';
import { upsertPullRequest, type PullRequestSpec } from '../../../src/executors/github/pulls.js';
import { startGithubServer, type GithubStandIn } from '../../helpers/github-server.js';

const TOKEN = 'ghp_standInToken0123456789abcdefghijklmnop';
const repo = { owner: 'acme', repo: 'cli' };
const spec: PullRequestSpec = { branch: 'weft/issue-3-fix', base: 'main', title: 'fix: it', body: 'Body', draft: true, labels: ['weft', 'bug'] };

let github: GithubStandIn;
beforeEach(async () => {
  github = await startGithubServer({ token: TOKEN });
});
afterEach(() => github.close());

function api(options: { signal?: AbortSignal; timeoutMs?: number; token?: string } = {}) {
  return new GithubApi({ token: options.token ?? TOKEN, baseUrl: github.url, signal: options.signal ?? new AbortController().signal, timeoutMs: options.timeoutMs });
}

async function failure(promise: Promise<unknown>): Promise<TaskError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskError);
  return error as TaskError;
}

describe('upsertPullRequest', () => {
  it('looks for an open PR by head, opens one with the token, and labels it', async () => {
    const pr = await upsertPullRequest(api(), repo, spec);
    expect(pr).toEqual({ url: `${github.url}/acme/cli/pull/1`, number: 1, created: true });
    const [list, create, label] = github.requests;
    expect(list).toMatchObject({ method: 'GET', path: '/repos/acme/cli/pulls', query: { head: 'acme:weft/issue-3-fix', state: 'open' } });
    expect(create).toMatchObject({ method: 'POST', path: '/repos/acme/cli/pulls', body: { head: 'weft/issue-3-fix', base: 'main', title: 'fix: it', body: 'Body', draft: true } });
    expect(label).toMatchObject({ method: 'POST', path: '/repos/acme/cli/issues/1/labels', body: { labels: ['weft', 'bug'] } });
    for (const request of github.requests) expect(request.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it('updates and returns the open PR on a second call instead of opening another', async () => {
    await upsertPullRequest(api(), repo, spec);
    const again = await upsertPullRequest(api(), repo, { ...spec, title: 'fix: it, better', body: 'New body' });
    expect(again).toMatchObject({ number: 1, created: false });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({ title: 'fix: it, better', body: 'New body' });
    expect(github.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('makes a 502 retryable', async () => {
    github.script({ method: 'GET', path: /\/pulls$/ }, { status: 502, body: { message: 'Server Error' } });
    const error = await failure(upsertPullRequest(api(), repo, spec));
    expect(error.code).toBe('GITHUB_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('makes a 403 rate limit retryable after the reset time GitHub gives', async () => {
    const reset = Math.floor(Date.now() / 1000) + 120;
    github.script(
      { method: 'POST', path: /\/pulls$/ },
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded for user.' } },
    );
    const error = await failure(upsertPullRequest(api(), repo, spec));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('makes a 429 retryable after retry-after', async () => {
    github.script({ path: /\/pulls$/ }, { status: 429, headers: { 'retry-after': '3' }, body: { message: 'slow down' } });
    const error = await failure(upsertPullRequest(api(), repo, spec));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 3000 });
  });

  it('does not retry other 4xx, and never shows the token', async () => {
    const error = await failure(upsertPullRequest(api({ token: 'ghp_wrongToken0123456789abcdefghijklmnopq' }), repo, spec));
    expect(error).toMatchObject({ code: 'GITHUB_UNAUTHORIZED', retryable: false });
    expect(error.message).not.toContain('ghp_wrong');
    github.script({ method: 'POST', path: /\/pulls$/ }, { status: 422, body: { message: 'Validation Failed', errors: [{ code: 'invalid', field: 'base' }] } });
    const rejected = await failure(upsertPullRequest(api(), repo, spec));
    expect(rejected).toMatchObject({ code: 'GITHUB_REJECTED', retryable: false });
  });

  it('gives up on a hung endpoint with a retryable TIMEOUT', async () => {
    github.script({ path: /\/pulls$/ }, 'hang');
    const error = await failure(upsertPullRequest(api({ timeoutMs: 300 }), repo, spec));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it("stops with the task's own reason when its signal aborts", async () => {
    github.script({ path: /\/pulls$/ }, 'hang');
    const controller = new AbortController();
    const reason = new TaskError('CANCELLED', 'run cancelled');
    setTimeout(() => controller.abort(reason), 100);
    expect(await failure(upsertPullRequest(api({ signal: controller.signal }), repo, spec))).toBe(reason);
  });
});

describe('fetchIssue', () => {
  it('reads an issue with its labels', async () => {
    github.addIssue('acme', 'cli', { number: 9, title: 'Crash', body: null, labels: ['bug'] });
    const issue = await fetchIssue(api(), repo, 9);
    expect(issue).toEqual({ number: 9, title: 'Crash', body: '', labels: ['bug'], url: `${github.url}/acme/cli/issues/9` });
  });

  it('does not retry a missing issue', async () => {
    const error = await failure(fetchIssue(api(), repo, 404));
    expect(error).toMatchObject({ code: 'GITHUB_NOT_FOUND', retryable: false });
  });
});
