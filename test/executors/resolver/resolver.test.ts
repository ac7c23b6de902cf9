import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { resolverExecutor, type ResolverInput, type ResolverOutput } from '../../../src/executors/resolver/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';
import { startLlmServer, type LlmStandIn } from '../../helpers/llm-server.js';
import { isAlive, readPid } from '../../helpers/processes.js';
import { makeContext, type TestTaskContext } from '../../helpers/task-context.js';

const files = {
  'src/add.js': 'export function add(a, b) {\n  return a - b;\n}\n',
  'test.sh': 'node --input-type=module -e "import { add } from \'./src/add.js\'; if (add(2, 3) !== 5) { console.error(\'add(2, 3) is \' + add(2, 3)); process.exit(1); }"\n',
};
const FIX = "sed -i 's/a - b/a + b/' src/add.js";
const issue = { number: 7, title: 'add() subtracts instead of adding', body: 'add(2, 3) gives -1.' };

let repo: TestRepo;
beforeEach(() => {
  repo = makeRepo({ files });
  vi.stubEnv('WEFT_KILL_GRACE_MS', '200');
});
afterEach(() => {
  vi.unstubAllEnvs();
  repo.remove();
});

function resolve(input: Partial<ResolverInput>, ctx: TestTaskContext = makeContext({ workdir: repo.dir })): Promise<ResolverOutput> {
  return Promise.resolve(resolverExecutor.execute({ repo: '.', issue, strategy: 'command', ...input } as ResolverInput, ctx));
}

async function failure(promise: Promise<unknown>): Promise<TaskError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskError);
  return error as TaskError;
}

describe('resolver, command strategy', () => {
  it('fixes the bug on weft/issue-<n>-<slug> in a worktree, commits, and verifies', async () => {
    const out = await resolve({ command: FIX, verify: 'sh test.sh' });
    expect(out).toMatchObject({ branch: 'weft/issue-7-add-subtracts-instead-of-adding', files: ['src/add.js'], filesChanged: 1, insertions: 1, deletions: 1, verified: true, strategy: 'command' });
    expect(out.diff).toContain('+  return a + b;');
    expect(readFileSync(join(out.worktree, 'src/add.js'), 'utf8')).toContain('a + b');
    expect(repo.git('log', '-1', '--format=%s', out.branch).trim()).toBe('Fix: add() subtracts instead of adding (#7)');
    expect(repo.git('rev-parse', out.branch).trim()).toBe(out.commit);
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(out.base);
  });

  it("never touches the user's checkout", async () => {
    writeFileSync(join(repo.dir, 'notes.txt'), 'my work in progress\n');
    await resolve({ command: FIX });
    expect(readFileSync(join(repo.dir, 'src/add.js'), 'utf8')).toContain('a - b');
    expect(repo.git('status', '--porcelain').trim()).toBe('?? notes.txt');
    expect(repo.git('symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
  });

  it('gives the command the issue as a JSON file and env vars, never as code', async () => {
    const hostile = { number: 8, title: '$(touch pwned) `touch pwned2`', body: '"; touch pwned3; echo "' };
    const script = 'cp "$WEFT_ISSUE_FILE" issue-copy.json; printf "%s" "$WEFT_ISSUE_TITLE" > title.txt; echo "$WEFT_BRANCH" > branch.txt';
    const out = await resolve({ issue: hostile, analysis: { files: ['src/add.js'] }, command: script });
    const copy = JSON.parse(readFileSync(join(out.worktree, 'issue-copy.json'), 'utf8'));
    expect(copy).toMatchObject({ issue: hostile, analysis: { files: ['src/add.js'] }, branch: out.branch, base: out.base });
    expect(readFileSync(join(out.worktree, 'title.txt'), 'utf8')).toBe(hostile.title);
    expect(out.branch).toBe('weft/issue-8-touch-pwned-touch-pwned2');
    for (const name of ['pwned', 'pwned2', 'pwned3']) {
      expect(existsSync(join(out.worktree, name))).toBe(false);
      expect(existsSync(join(repo.dir, name))).toBe(false);
    }
  });

  it('reports a failing verify with its log, without failing the task', async () => {
    const out = await resolve({ command: 'echo "// touched" >> src/add.js', verify: 'sh test.sh' });
    expect(out.verified).toBe(false);
    expect(out.verifyLog).toContain('add(2, 3) is -1');
  });

  it('fails with NO_CHANGES, not retryable, when nothing changed, and cleans up', async () => {
    const error = await failure(resolve({ command: 'true' }));
    expect(error).toMatchObject({ code: 'NO_CHANGES', retryable: false });
    expect(repo.git('branch', '--list', 'weft/*').trim()).toBe('');
    expect(repo.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('fails with the exit code and last line when the command fails', async () => {
    const error = await failure(resolve({ command: 'echo "agent: out of credits" >&2; exit 3' }));
    expect(error).toMatchObject({ code: 'NONZERO_EXIT', exitCode: 3 });
    expect(error.message).toContain('agent: out of credits');
  });

  it('runs again over what a failed attempt left behind', async () => {
    await failure(resolve({ command: 'echo half > half.txt; exit 1' }));
    const out = await resolve({ command: FIX });
    expect(out.files).toEqual(['src/add.js']);
  });

  it('kills the command when the task is aborted, with the reason', async () => {
    const ctx = makeContext({ workdir: repo.dir });
    const pidFile = join(repo.dir, '..', 'pid');
    const running = resolve({ command: `sleep 30 & echo $! > ${pidFile}; wait` }, ctx).catch((e: unknown) => e);
    const pid = await readPid(pidFile);
    const reason = new TaskError('TIMEOUT', 'timed out');
    ctx.controller.abort(reason);
    expect(await running).toBe(reason);
    for (let i = 0; i < 50 && isAlive(pid); i++) await delay(20);
    expect(isAlive(pid)).toBe(false);
  });

  it('refuses an explicit branch name git would read as an option', async () => {
    const error = await failure(resolve({ command: FIX, branch: '--force' }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
  });
});

describe('resolver, patch strategy', () => {
  const patch = ['--- a/src/add.js', '+++ b/src/add.js', '@@ -1,3 +1,3 @@', ' export function add(a, b) {', '-  return a - b;', '+  return a + b;', ' }', ''].join('\n');

  // The workdir holds the checkout and the patches beside it.
  const besideRepo = () => makeContext({ workdir: join(repo.dir, '..') });

  it('applies a patch file given relative to the workdir', async () => {
    writeFileSync(join(repo.dir, '..', 'fix.patch'), patch);
    const out = await resolve({ repo: 'work', strategy: 'patch', patch: 'fix.patch', verify: 'sh test.sh' }, besideRepo());
    expect(out).toMatchObject({ files: ['src/add.js'], verified: true, strategy: 'patch' });
  });

  it('refuses a patch that does not apply, without retrying', async () => {
    writeFileSync(join(repo.dir, '..', 'bad.patch'), patch.replace('return a - b', 'return a * b'));
    const error = await failure(resolve({ repo: 'work', strategy: 'patch', patch: 'bad.patch' }, besideRepo()));
    expect(error).toMatchObject({ code: 'PATCH_DOES_NOT_APPLY', retryable: false });
  });
});

describe('resolver, llm strategy', () => {
  let llm: LlmStandIn;
  beforeEach(async () => {
    llm = await startLlmServer();
  });
  afterEach(() => llm.close());
  const diff = 'diff --git a/src/add.js b/src/add.js\n--- a/src/add.js\n+++ b/src/add.js\n@@ -1,3 +1,3 @@\n export function add(a, b) {\n-  return a - b;\n+  return a + b;\n }\n';

  it("applies the model's diff, sending it the analysis's files", async () => {
    llm.answer({ diff });
    const out = await resolve({ strategy: 'llm', analysis: { files: ['src/add.js', '../../etc/passwd'] }, llm: { baseUrl: llm.url, model: 'coder' }, verify: 'sh test.sh' });
    expect(out).toMatchObject({ verified: true, strategy: 'llm' });
    const user = JSON.parse((llm.requests[0]?.body as { messages: { content: string }[] }).messages[1]?.content ?? '{}');
    expect(user.files).toEqual([{ path: 'src/add.js', content: files['src/add.js'] }]);
  });

  it("makes a diff that does not apply a retryable INVALID_OUTPUT", async () => {
    llm.answer({ diff: diff.replace('return a - b', 'return b - a') });
    const error = await failure(resolve({ strategy: 'llm', llm: { baseUrl: llm.url, model: 'coder' } }));
    expect(error).toMatchObject({ code: 'INVALID_OUTPUT', retryable: true });
  });
});
