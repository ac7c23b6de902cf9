/**
 * Text from issues reaching git and the GitHub API, and services that misbehave:
 * a rate limit asking for a day's wait, errors without end, pagination that loops,
 * a model endpoint that never answers or streams garbage. Every case ends, soon,
 * with an error that says what happened; nothing runs that was not meant to.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineExecutor } from '../../src/engine/executor.js';
import { TaskError } from '../../src/engine/errors.js';
import { changedFiles, diffText } from '../../src/executors/git/diff.js';
import { resolveCommit } from '../../src/executors/git/git.js';
import { assertBranchName, issueBranchName } from '../../src/executors/git/refs.js';
import { GithubApi } from '../../src/executors/github/client.js';
import { fetchIssue } from '../../src/executors/github/issues.js';
import { upsertPullRequest } from '../../src/executors/github/pulls.js';
import { parseIssueRef, parseRepoName } from '../../src/executors/github/repository.js';
import { chatJson } from '../../src/executors/llm/client.js';
import { resolveLlmConfig } from '../../src/executors/llm/config.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { makeRepo, type TestRepo } from '../helpers/git-repo.js';
import { startGithubServer, type GithubStandIn } from '../helpers/github-server.js';
import { startLlmServer, type LlmStandIn } from '../helpers/llm-server.js';

async function failure(promise: Promise<unknown>): Promise<TaskError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskError);
  return error as TaskError;
}

const signal = () => new AbortController().signal;

describe('git refs and branch names from issue text', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo({ files: { 'a.txt': 'a\n' } });
  });
  afterAll(() => repo.remove());

  const hostile = ['--upload-pack=touch PWNED', '-x', '--output=PWNED', 'a..b', 'main@{1}', '@{-1}', 'x\n--force', 'feature/.hidden', 'x.lock'];

  it.each(hostile)('refuses %j as a branch name', (name) => {
    expect(() => assertBranchName(name)).toThrow(/is not a valid git branch name/);
  });

  it('turns any issue title into a safe branch name', () => {
    const branch = issueBranchName({ number: 7, title: '--upload-pack=touch PWNED; a..b @{u} `rm -rf` $(id)' });
    expect(branch).toBe('weft/issue-7-upload-pack-touch-pwned-a-b-u-rm-rf-id');
  });

  it.each(['--upload-pack=touch PWNED', '--output=PWNED', '-x'])('never lets %j reach git as an option', async (ref) => {
    const error = await failure(resolveCommit(repo.dir, ref, signal()));
    expect(error.code).toBe('INVALID_INPUT');
    await failure(changedFiles(repo.dir, ref, 'HEAD', signal()));
    await failure(diffText(repo.dir, 'HEAD', ref, signal()));
    expect(existsSync(join(repo.dir, 'PWNED'))).toBe(false);
  });
});

describe('the GitHub API', () => {
  const TOKEN = 'ghp_hostileStandIn0123456789abcdefghijkl';
  let github: GithubStandIn;
  beforeEach(async () => {
    github = await startGithubServer({ token: TOKEN });
    github.addIssue('acme', 'cli', { number: 1, title: 'an issue', body: 'body' });
  });
  afterEach(() => github.close());
  const api = (timeoutMs?: number) => new GithubApi({ token: TOKEN, baseUrl: github.url, signal: signal(), timeoutMs });

  it('refuses owner and repo names of dots, which would climb the API path', async () => {
    expect(parseRepoName('../..')).toBeUndefined();
    expect(parseRepoName('acme/..')).toBeUndefined();
    expect(parseIssueRef('https://github.com/../../issues/1')).toBeUndefined();
    expect(parseIssueRef('../acme#1')).toBeUndefined();
    expect(parseRepoName('acme/.github')).toEqual({ owner: 'acme', repo: '.github' });
    const error = await failure(fetchIssue(api(), { owner: '..', repo: '..' }, 1));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
    expect(error.message).toContain('owner name ".." is not a GitHub name');
    await failure(upsertPullRequest(api(), { owner: 'acme', repo: '..' }, { branch: 'b', base: 'main', title: 't', body: '', draft: false, labels: [] }));
    expect(github.requests).toEqual([]);
  });

  it('fails at once, not retried, when asked to wait longer than 10 minutes', async () => {
    github.script({ path: /issues/ }, { status: 429, headers: { 'retry-after': '99999' }, body: { message: 'API rate limit exceeded' } });
    const error = await failure(fetchIssue(api(), { owner: 'acme', repo: 'cli' }, 1));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: false });
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toMatch(/GitHub asks to wait 28 h before the next request, longer than weft waits \(10 min\), so the task fails now; run it again after \d{4}-/);
  });

  it('waits as asked when the wait is short', async () => {
    github.script({ path: /issues/ }, { status: 429, headers: { 'retry-after': '120' }, body: { message: 'API rate limit exceeded' } });
    const error = await failure(fetchIssue(api(), { owner: 'acme', repo: 'cli' }, 1));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 120_000 });
  });

  it('endless 5xx: each attempt is one request, and the retry policy ends it', async () => {
    github.script({ path: /issues/ }, { status: 503, body: { message: 'Service Unavailable' } }, 1000);
    const fetcher = defineExecutor({ name: 'fetch-issue', execute: (_input, ctx) => fetchIssue(new GithubApi({ token: TOKEN, baseUrl: github.url, signal: ctx.signal }), { owner: 'acme', repo: 'cli' }, 1) });
    const engine = new WorkflowEngine({ executors: [fetcher] });
    const result = await engine.run(engine.parse('name: f\ntasks:\n  read:\n    uses: fetch-issue\n    retry: { maxAttempts: 3, delay: 10ms }\n'));
    expect(result.tasks.read).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'GITHUB_UNAVAILABLE' } });
    expect(result.tasks.read?.error?.message).toContain('GitHub answered 503');
    expect(github.requests.length).toBe(3);
  });

  it('a rate limit asking for a day ends the task on its first attempt', async () => {
    github.script({ path: /issues/ }, { status: 403, headers: { 'retry-after': '86400', 'x-ratelimit-remaining': '0' }, body: { message: 'API rate limit exceeded' } }, 10);
    const fetcher = defineExecutor({ name: 'fetch-issue', execute: (_input, ctx) => fetchIssue(new GithubApi({ token: TOKEN, baseUrl: github.url, signal: ctx.signal }), { owner: 'acme', repo: 'cli' }, 1) });
    const engine = new WorkflowEngine({ executors: [fetcher] });
    const result = await engine.run(engine.parse('name: f\ntasks:\n  read:\n    uses: fetch-issue\n    retry: { maxAttempts: 5 }\n'));
    expect(result.tasks.read).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'RATE_LIMITED', retryable: false } });
  });

  it('a list whose next page is itself is not followed round and round', async () => {
    const loop = `<${github.url}/repos/acme/cli/pulls?page=1>; rel="next", <${github.url}/repos/acme/cli/pulls?page=1>; rel="last"`;
    github.script({ method: 'GET', path: /pulls$/ }, { status: 200, headers: { link: loop }, body: [] }, 1000);
    const pr = await upsertPullRequest(api(), { owner: 'acme', repo: 'cli' }, { branch: 'weft/x', base: 'main', title: 't', body: '', draft: false, labels: [] });
    expect(pr.created).toBe(true);
    expect(github.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('an API that never answers is bounded by the request timeout', async () => {
    github.script({ path: /issues/ }, 'hang');
    const started = Date.now();
    const error = await failure(fetchIssue(api(200), { owner: 'acme', repo: 'cli' }, 1));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('a model endpoint', () => {
  let llm: LlmStandIn;
  beforeEach(async () => {
    llm = await startLlmServer();
  });
  afterEach(() => llm.close());
  const schema = { type: 'object' };
  const ask = (baseUrl: string, timeoutMs = 5_000) =>
    chatJson({ config: resolveLlmConfig({ baseUrl, model: 'tiny', timeoutMs }, {}), system: 'JSON', user: '{}', schema, signal: signal() });

  it('that never answers: TIMEOUT after the configured wait', async () => {
    llm.script({ path: /chat/ }, 'hang');
    const error = await failure(ask(llm.url, 200));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(error.message).toContain('did not answer within 200 ms');
  });

  it('that answers garbage: a retryable INVALID_OUTPUT quoting the start of it', async () => {
    llm.script({ path: /chat/ }, { status: 200, body: '\u0000\u001b[2J<html>not json' });
    const error = await failure(ask(llm.url));
    expect(error).toMatchObject({ code: 'INVALID_OUTPUT', retryable: true });
  });

  it('that asks for a day before the next request: RATE_LIMITED, not retried', async () => {
    llm.script({ path: /chat/ }, { status: 429, headers: { 'retry-after': '99999' }, body: { error: { message: 'slow down' } } });
    const error = await failure(ask(llm.url));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryable: false });
    expect(error.message).toContain('longer than weft waits (10 min)');
  });

  describe('that streams garbage without end', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      const junk = Buffer.alloc(64 * 1024, 'garbage ');
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const pump = () => {
          while (res.write(junk));
        };
        res.on('drain', pump);
        res.on('close', () => res.off('drain', pump));
        pump();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())).then(() => undefined));

    it('stops reading at 4 MiB with a clear, retryable error', async () => {
      const before = process.memoryUsage().rss;
      const error = await failure(ask(url, 20_000));
      expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
      expect(error.message).toContain('sent more than 4194304 bytes without finishing its answer');
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
      server.closeAllConnections();
    });
  });
});
