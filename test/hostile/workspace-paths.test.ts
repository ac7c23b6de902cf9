/**
 * The paths the issue-to-PR executors take from their input (a checkout, an issue
 * file, a patch, a worktree, an output folder, a remote), and files named by issue
 * text, turned against the workspace: `..`, an absolute path elsewhere, and a link
 * inside the workspace that leads out. Each is refused after its real path is
 * resolved, until the operator lists its root in `workspaceRoots`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Executor } from '../../src/engine/executor.js';
import { analyzerExecutor } from '../../src/executors/analyzer/index.js';
import { prGeneratorExecutor } from '../../src/executors/pr-generator/index.js';
import { resolverExecutor } from '../../src/executors/resolver/index.js';
import { reviewerExecutor } from '../../src/executors/reviewer/index.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { startLlmServer, type LlmStandIn } from '../helpers/llm-server.js';
import { makeContext, type TestTaskContext } from '../helpers/task-context.js';
import { tempDir, yaml } from './helpers.js';

const temp = tempDir('paths');
afterAll(() => temp.remove());

/** The task's workdir: the whole workspace unless the operator allows more. */
const workdir = join(temp.dir, 'work');
/** Somewhere else on the same disk. */
const outside = join(temp.dir, 'outside');
const SECRET = 'TOP-SECRET-d41d8cd98f00';
const BRANCH = 'weft/issue-7-add-subtracts';
const FIX = "sed -i 's/a - b/a + b/' src/add.js";
const issue = { number: 7, title: 'add() subtracts instead of adding', body: 'add(2, 3) gives -1 in `src/add.js`.' };
const patch = ['--- a/src/add.js', '+++ b/src/add.js', '@@ -1 +1 @@', '-export const add = (a, b) => a - b;', '+export const add = (a, b) => a + b;', ''].join('\n');

/** A checkout with one commit on main, a branch with a fix, and a bare `origin`. */
function makeCheckout(dir: string, files: Record<string, string>, links: Record<string, string> = {}): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  mkdirSync(dir, { recursive: true });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Test Author');
  git('config', 'user.email', 'author@example.com');
  git('config', 'commit.gpgsign', 'false');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    symlinkSync(target, join(dir, path));
  }
  git('add', '--all');
  git('commit', '--quiet', '-m', 'initial commit');
  git('branch', BRANCH);
  execFileSync('git', ['init', '--quiet', '--bare', `${dir}-origin.git`]);
  git('remote', 'add', 'origin', `${dir}-origin.git`);
  git('push', '--quiet', 'origin', 'main');
}

const files = { 'src/add.js': 'export const add = (a, b) => a - b;\n', 'test/add.test.js': '// add\n' };

beforeAll(() => {
  mkdirSync(workdir);
  mkdirSync(outside);
  // A checkout in the workspace that tracks a link to a file outside it.
  makeCheckout(join(workdir, 'repo'), files, { 'docs/notes.md': join(outside, 'secret.md') });
  makeCheckout(join(outside, 'repo'), files);
  writeFileSync(join(outside, 'secret.md'), `${SECRET}\n`);
  writeFileSync(join(outside, 'issue.json'), JSON.stringify(issue));
  writeFileSync(join(outside, 'fix.patch'), patch);
  execFileSync('git', ['init', '--quiet', '--bare', join(outside, 'target.git')]);
  symlinkSync(outside, join(workdir, 'escape'));
});

function context(workspaceRoots?: string[]): TestTaskContext {
  return makeContext({ workdir, ...(workspaceRoots ? { workspaceRoots } : {}) });
}

function execute(executor: Executor, input: unknown, ctx: TestTaskContext = context()): Promise<Record<string, unknown>> {
  return Promise.resolve(executor.execute(input, ctx));
}

/** Three ways to name `name` in the `outside` folder from the workdir. */
function escapes(name: string): [string, string][] {
  return [
    ['`..`', `../outside/${name}`],
    ['an absolute path', join(outside, name)],
    ['a link inside the workspace', `escape/${name}`],
  ];
}

interface PathCase {
  /** The input path and what it names in `outside`. */
  field: string;
  name: string;
  executor: Executor;
  input(path: string): Record<string, unknown>;
  /** What the task did with the path once it is allowed. */
  allowed(out: Record<string, unknown>): void;
  /** What must not exist after a refusal. */
  untouched?: () => boolean;
}

const CASES: PathCase[] = [
  {
    field: 'analyzer repo',
    name: 'repo',
    executor: analyzerExecutor,
    input: (repo) => ({ issue, repo }),
    allowed: (out) => expect(out.files).toEqual(['src/add.js']),
  },
  {
    field: 'analyzer issue file',
    name: 'issue.json',
    executor: analyzerExecutor,
    input: (file) => ({ issue: file, repo: 'repo' }),
    allowed: (out) => expect(out.issue).toMatchObject({ number: 7, title: issue.title }),
  },
  {
    field: 'resolver repo',
    name: 'repo',
    executor: resolverExecutor,
    input: (repo) => ({ repo, issue, strategy: 'command', command: FIX }),
    allowed: (out) => expect(out.files).toEqual(['src/add.js']),
    untouched: () => !existsSync(join(outside, 'repo', '.git', 'weft')),
  },
  {
    field: 'resolver patch',
    name: 'fix.patch',
    executor: resolverExecutor,
    input: (file) => ({ repo: 'repo', issue, strategy: 'patch', patch: file, branch: 'weft/patched' }),
    allowed: (out) => expect(out).toMatchObject({ files: ['src/add.js'], strategy: 'patch' }),
  },
  {
    field: 'resolver worktree',
    name: 'worktrees/fix',
    executor: resolverExecutor,
    input: (worktree) => ({ repo: 'repo', issue, strategy: 'command', command: FIX, worktree, branch: 'weft/elsewhere' }),
    allowed: (out) => expect(out.worktree).toBe(join(outside, 'worktrees', 'fix')),
    untouched: () => !existsSync(join(outside, 'worktrees')),
  },
  {
    field: 'reviewer worktree',
    name: 'repo',
    executor: reviewerExecutor,
    input: (worktree) => ({ worktree, base: 'main', checks: ['touch reviewed'] }),
    allowed: (out) => expect(out).toMatchObject({ filesChanged: 0, checks: [{ passed: true }] }),
    untouched: () => !existsSync(join(outside, 'repo', 'reviewed')),
  },
  {
    field: 'pr-generator repo',
    name: 'repo',
    executor: prGeneratorExecutor,
    input: (repo) => ({ repo, branch: BRANCH, base: 'main' }),
    allowed: (out) => expect(out).toMatchObject({ provider: 'local', branch: BRANCH }),
    untouched: () => !existsSync(join(outside, 'repo', '.git', 'weft', 'pull-requests')),
  },
  {
    field: 'pr-generator outputDir',
    name: 'prs',
    executor: prGeneratorExecutor,
    input: (outputDir) => ({ repo: 'repo', branch: BRANCH, outputDir }),
    allowed: (out) => expect(out.file).toBe(join(outside, 'prs', 'weft-issue-7-add-subtracts.md')),
    untouched: () => !existsSync(join(outside, 'prs')),
  },
  {
    field: 'pr-generator remote',
    name: 'target.git',
    executor: prGeneratorExecutor,
    input: (remote) => ({ repo: 'repo', branch: BRANCH, remote }),
    allowed: (out) => expect(out.remote).toBe(join(outside, 'target.git')),
    untouched: () => !existsSync(join(outside, 'target.git', 'refs', 'heads', 'weft')),
  },
];

describe.each(CASES)('$field', (c) => {
  it.each(escapes(c.name))('refuses %s leading out of the workspace, naming the path, the workspace and the way to allow it', async (_, path) => {
    const error = await execute(c.executor, c.input(path)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PATH_OUTSIDE_WORKSPACE', retryable: false });
    const message = (error as Error).message;
    expect(message).toContain(`"${path}" resolves to ${join(outside, c.name)}, outside the workspace (the task's workdir ${workdir})`);
    expect(message).toContain('workspaceRoots in weft.config.mjs');
    if (c.untouched) expect(c.untouched()).toBe(true);
  });

  it.each(escapes(c.name))('uses %s once the operator lists its root in workspaceRoots', async (_, path) => {
    c.allowed(await execute(c.executor, c.input(path), context([outside])));
  });
});

describe('a checkout found by climbing out of the workspace', () => {
  it('is refused: `repo` inside the workspace, its git work tree above it', async () => {
    const inner = join(outside, 'repo', 'src');
    const error = await execute(analyzerExecutor, { issue, repo: '.' }, makeContext({ workdir: inner })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PATH_OUTSIDE_WORKSPACE' });
    expect((error as Error).message).toContain(`the git work tree holding repo "." resolves to ${join(outside, 'repo')}`);
  });
});

describe('files named by issue text', () => {
  const mentions = { ...issue, body: 'See `docs/notes.md`, ../../outside/secret.md and ../../../etc/passwd: add() is wrong in `src/add.js`.' };

  it('are never listed by the analyzer when a tracked link leads out of the checkout', async () => {
    const ctx = context();
    const out = await execute(analyzerExecutor, { issue: mentions, repo: 'repo' }, ctx);
    expect(out.files).toEqual(['src/add.js']);
    expect(JSON.stringify(out.locations)).not.toContain('docs/notes.md');
    expect(ctx.lines('log')).toContainEqual(expect.stringMatching(/^ignored "docs\/notes\.md": a symbolic link leading out of the checkout/));
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  describe('sent to a model by the resolver', () => {
    let llm: LlmStandIn;
    beforeEach(async () => {
      llm = await startLlmServer();
    });
    afterEach(() => llm.close());

    it('are never read when they lead out of the worktree, by `..`, an absolute path or a tracked link', async () => {
      llm.answer({ diff: `diff --git a/src/add.js b/src/add.js\n${patch}` });
      const analysis = { files: ['docs/notes.md', '../../outside/secret.md', join(outside, 'secret.md'), '../../../../../../etc/passwd', 'src/add.js'] };
      const ctx = context();
      const input = { repo: 'repo', issue: mentions, strategy: 'llm', analysis, branch: 'weft/model', llm: { baseUrl: llm.url, model: 'coder' } };
      const out = await execute(resolverExecutor, input, ctx);
      expect(out.files).toEqual(['src/add.js']);
      const sent = JSON.stringify(llm.requests.map((r) => r.body));
      expect(sent).not.toContain(SECRET);
      expect(sent).not.toContain('root:x:0:0');
      const user = JSON.parse((llm.requests[0]?.body as { messages: { content: string }[] }).messages[1]?.content ?? '{}') as { files: { path: string }[] };
      expect(user.files.map((f) => f.path)).toEqual(['src/add.js']);
      expect(ctx.lines('log')).toContainEqual(expect.stringMatching(/^left out "docs\/notes\.md": not a file inside the worktree/));
    });
  });
});

describe('the pull request file pr-generator writes', () => {
  const prs = join(workdir, 'planted-prs');
  const file = join(prs, 'weft-issue-7-add-subtracts.md');

  it('replaces a link planted where it goes, never reading or writing through it', async () => {
    mkdirSync(prs, { recursive: true });
    const victim = join(outside, 'victim.md');
    writeFileSync(victim, '---\nopened: STOLEN\n---\n');
    symlinkSync(victim, file);
    const victimOfPartial = join(outside, 'victim-partial.txt');
    writeFileSync(victimOfPartial, 'untouched\n');
    symlinkSync(victimOfPartial, `${file}.${process.pid}.tmp`);
    const out = await execute(prGeneratorExecutor, { repo: 'repo', branch: BRANCH, outputDir: 'planted-prs' });
    expect(out).toMatchObject({ file, created: true });
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(file, 'utf8')).not.toContain('STOLEN');
    expect(readFileSync(victim, 'utf8')).toBe('---\nopened: STOLEN\n---\n');
    expect(readFileSync(victimOfPartial, 'utf8')).toBe('untouched\n');
  });
});

describe('workspaceRoots, from the engine', () => {
  const text = yaml('name: x', 'inputs: { repo: { type: string } }', 'tasks:', '  analyze:', '    uses: analyzer', '    with: { issue: { title: "add() subtracts" }, repo: "${{ inputs.repo }}" }');

  it.each([
    ['none', [], 'failed'],
    ['the outside folder', [outside], 'succeeded'],
  ] as const)('reach every task when the embedder lists them (%s)', async (_, workspaceRoots, status) => {
    const engine = new WorkflowEngine({ workspaceRoots: [...workspaceRoots] });
    const result = await engine.run(engine.parse(text, join(workdir, 'x.yaml')), { workdir, inputs: { repo: '../outside/repo' } });
    expect(result.tasks.analyze?.status).toBe(status);
    if (status === 'failed') expect(result.tasks.analyze?.error?.code).toBe('PATH_OUTSIDE_WORKSPACE');
  });

  it('resolves links in the roots themselves', async () => {
    const out = await execute(analyzerExecutor, { issue, repo: 'escape/repo' }, context([join(workdir, 'escape')]));
    expect(out.files).toEqual(['src/add.js']);
    expect(realpathSync(join(workdir, 'escape'))).toBe(outside);
  });
});
