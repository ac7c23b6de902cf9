import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { prGeneratorExecutor, type PrGeneratorInput, type PrGeneratorOutput } from '../../../src/executors/pr-generator/index.js';
import { startGithubServer, type GithubStandIn } from '../../helpers/github-server.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';
import { makeContext, type TestTaskContext } from '../../helpers/task-context.js';

const TOKEN = 'ghp_prToken0123456789abcdefghijklmnopqrstu';

let repo: TestRepo;
beforeEach(() => {
  repo = makeRepo({ files: { 'src/add.js': 'export const add = (a, b) => a - b;\n', 'test/add.test.js': '// add\n' }, withOrigin: true });
  repo.git('checkout', '--quiet', '-b', 'weft/issue-7-fix-add');
  writeFileSync(join(repo.dir, 'src/add.js'), 'export const add = (a, b) => a + b;\n');
  repo.git('commit', '--quiet', '-am', 'Fix add');
  repo.git('checkout', '--quiet', 'main');
});
afterEach(() => repo.remove());

const context = {
  issue: { number: 7, title: 'add() subtracts' },
  analysis: { category: 'bug', summary: 'add() subtracts instead of adding.' },
  resolution: { verified: true, strategy: 'command' },
  review: {
    approved: true,
    score: 90,
    checks: [{ name: 'npm test', passed: true }],
    findings: [{ severity: 'warning', rule: 'no-tests', message: 'changes code without changing any test' }],
  },
};

function open(input: Partial<PrGeneratorInput>, ctx: TestTaskContext = makeContext({ workdir: repo.dir })): Promise<PrGeneratorOutput> {
  return Promise.resolve(prGeneratorExecutor.execute({ repo: '.', branch: 'weft/issue-7-fix-add', base: 'main', ...context, ...input }, ctx));
}

function originHas(branch: string): string {
  return execFileSync('git', ['rev-parse', `refs/heads/${branch}`], { cwd: repo.origin, encoding: 'utf8' }).trim();
}

describe('pr-generator, local provider', () => {
  it('pushes the branch to the remote and writes the PR as markdown', async () => {
    const out = await open({ labels: ['weft'] });
    expect(originHas('weft/issue-7-fix-add')).toBe(repo.git('rev-parse', 'weft/issue-7-fix-add').trim());
    expect(out).toMatchObject({ created: true, provider: 'local', branch: 'weft/issue-7-fix-add', base: 'main', title: 'fix: add() subtracts (#7)', remote: repo.origin });
    const file = fileURLToPath(out.url);
    expect(file).toBe(out.file);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# fix: add() subtracts (#7)');
    expect(text).toContain('add() subtracts instead of adding.');
    expect(text).toContain('Closes #7.');
    expect(text).toContain('`src/add.js` (+1 −1)');
    expect(text).toContain('✅ `npm test`');
    expect(text).toContain('**warning** `no-tests`');
    expect(text).toContain('<!-- weft:idempotency-key=run-1/task -->');
    expect(text).toMatch(/^---\nbranch: weft\/issue-7-fix-add\nbase: main\n/);
  });

  it('updates the same PR on a second run instead of writing another', async () => {
    const first = await open({});
    const second = await open({ title: 'fix: add() adds now' });
    expect(second).toMatchObject({ created: false, file: first.file });
    const text = readFileSync(second.file ?? '', 'utf8');
    expect(text).toContain('# fix: add() adds now');
    const opened = (t: string) => /^opened: (.+)$/m.exec(t)?.[1];
    expect(opened(text)).toBeDefined();
    await open({ title: 'third' });
    expect(opened(readFileSync(second.file ?? '', 'utf8'))).toBe(opened(text));
  });

  it('refuses a branch that does not exist, or one git would read as an option', async () => {
    expect(await open({ branch: 'weft/nope' }).catch((e: unknown) => e)).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
    expect(await open({ branch: '--mirror' }).catch((e: unknown) => e)).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
  });
});

describe('pr-generator, github provider', () => {
  let github: GithubStandIn;
  let shimLog: string;
  beforeEach(async () => {
    github = await startGithubServer({ token: TOKEN });
    shimLog = installGitShim();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await github.close();
  });

  const githubInput = (): Partial<PrGeneratorInput> => ({ provider: 'github', labels: ['weft'], draft: true, github: { repository: 'acme/calc', baseUrl: github.url } });
  const ctx = () => makeContext({ workdir: repo.dir, env: { GITHUB_TOKEN: TOKEN } });

  it('pushes with the token in the environment only, then opens the PR', async () => {
    const context = ctx();
    const out = await open(githubInput(), context);
    expect(out).toMatchObject({ created: true, number: 1, url: `${github.url}/acme/calc/pull/1`, provider: 'github' });
    expect(originHas('weft/issue-7-fix-add')).toBeTruthy();
    const create = github.requests.find((r) => r.method === 'POST' && r.path === '/repos/acme/calc/pulls');
    expect(create?.headers.authorization).toBe(`token ${TOKEN}`);
    expect(create?.body).toMatchObject({ head: 'weft/issue-7-fix-add', base: 'main', title: 'fix: add() subtracts (#7)', draft: true });
    expect((create?.body as { body: string }).body).toContain('<!-- weft:idempotency-key=run-1/task -->');
    expect(github.pulls[0]?.labels).toEqual(['weft']);

    const log = readFileSync(shimLog, 'utf8');
    expect(log).toContain('argv: push --porcelain -- origin +refs/heads/weft/issue-7-fix-add:refs/heads/weft/issue-7-fix-add');
    expect(log).toContain(`header-key: http.${github.url}/.extraheader`);
    expect(log).toContain('header-value: AUTHORIZATION: basic');
    expect(log).not.toContain(TOKEN);
    expect(JSON.stringify(out)).not.toContain(TOKEN);
    expect(JSON.stringify(context.logs)).not.toContain(TOKEN);
  });

  it('updates the open PR on a retry or a second run: created false, one PR', async () => {
    await open(githubInput(), ctx());
    const again = await open({ ...githubInput(), title: 'fix: add() adds' }, ctx());
    expect(again).toMatchObject({ created: false, number: 1 });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]?.title).toBe('fix: add() adds');
  });

  it('makes a 502 from GitHub retryable, and a retry then succeeds', async () => {
    github.script({ method: 'POST', path: /\/pulls$/ }, { status: 502, body: { message: 'Bad Gateway' } });
    const error = await open(githubInput(), ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect(error).toMatchObject({ code: 'GITHUB_UNAVAILABLE', retryable: true });
    expect(await open(githubInput(), ctx())).toMatchObject({ created: true, number: 1 });
  });

  it('refuses to run without a token', async () => {
    vi.stubEnv('GITHUB_TOKEN', '');
    vi.stubEnv('GH_TOKEN', '');
    const error = await open(githubInput(), makeContext({ workdir: repo.dir })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
  });
});

/** Puts a `git` first on PATH that records its argv and credential env, then runs the real git. */
function installGitShim(): string {
  const dir = join(repo.dir, '..', 'shim');
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'log');
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const script = [
    '#!/bin/sh',
    `{ echo "argv: $*"; echo "header-key: $GIT_CONFIG_KEY_0"; echo "header-value: $GIT_CONFIG_VALUE_0" | cut -c1-34; } >> '${log}'`,
    `exec '${real}' "$@"`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'git'), script);
  chmodSync(join(dir, 'git'), 0o755);
  vi.stubEnv('PATH', `${dir}:${process.env.PATH ?? ''}`);
  return log;
}
