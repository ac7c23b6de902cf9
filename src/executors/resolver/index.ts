/**
 * The `resolver` executor: makes the change an issue asks for on a new branch in an
 * isolated worktree (never in the user's checkout), commits it, and runs `verify`.
 */
import { TaskError } from '../../engine/errors.js';
import { defineExecutor, type TaskContext } from '../../engine/executor.js';
import { runScript, throwIfAborted } from '../git/child.js';
import { changedFiles, diffText, totals } from '../git/diff.js';
import { workspaceCheckout } from '../git/checkout.js';
import { git, identityEnv, resolveCommit } from '../git/git.js';
import { assertBranchName, issueBranchName } from '../git/refs.js';
import { addWorktree, defaultWorktreePath, removeWorktree } from '../git/worktree.js';
import { loadSchema } from '../load-schema.js';
import { applyStrategy, type Workspace } from './strategies.js';
import type { ResolverInput, ResolverOutput } from './types.js';
import { llmCircuitKey } from '../llm/config.js';
import { SERVICE_CIRCUIT_BREAKER } from '../service-breaker.js';
import { newWorkspacePath } from '../workspace-path.js';

export type { ResolverInput, ResolverOutput } from './types.js';

export const NO_CHANGES = 'NO_CHANGES';
/** The diff output is cut beyond this; the branch keeps the whole change. */
export const MAX_DIFF_CHARS = 200_000;

export const resolverExecutor = defineExecutor<ResolverInput, ResolverOutput>({
  name: 'resolver',
  description:
    'Makes the change an issue asks for on a new branch in an isolated git worktree (a command, a patch, or a model\'s diff), commits it, and runs a verify command.',
  inputSchema: loadSchema('resolver.input.json'),
  outputSchema: loadSchema('resolver.output.json'),
  retry: { maxAttempts: 2, backoff: 'exponential', delay: '2s', maxDelay: '30s' },
  shellInputs: ['command', 'verify'],
  circuitBreaker: SERVICE_CIRCUIT_BREAKER,
  circuitKey: (input, env) => (input.strategy === 'llm' ? llmCircuitKey(input.llm, env) : undefined),
  execute: resolveIssue,
});

async function resolveIssue(input: ResolverInput, ctx: TaskContext): Promise<ResolverOutput> {
  throwIfAborted(ctx.signal);
  const repo = await workspaceCheckout(input.repo, ctx, 'repo');
  const base = await resolveCommit(repo, input.base ?? 'HEAD', ctx.signal);
  const branch = input.branch === undefined ? issueBranchName(input.issue) : assertBranchName(input.branch);
  const worktree = await worktreePath(input.worktree, repo, branch, ctx);
  await addWorktree(repo, { branch, base, path: worktree }, ctx.signal);
  ctx.log(`branch ${branch} at ${base.slice(0, 12)}, in worktree ${worktree}`);
  const ws: Workspace = { worktree, branch, base };
  await applyStrategy(input, ws, ctx);
  const commit = await commitChanges(input, ws, ctx);
  if (commit === base) {
    await removeWorktree(repo, worktree, ctx.signal);
    await git(['branch', '-D', '--', branch], { cwd: repo, signal: ctx.signal });
    throw new TaskError(NO_CHANGES, `the ${input.strategy} strategy changed no file for "${input.issue.title}", so there is nothing to review.`, {
      retryable: false,
    });
  }
  const verification = await verify(input.verify, ws, ctx);
  return { ...(await describeChange(ws, commit, ctx)), ...verification, strategy: input.strategy };
}

/** `worktree`, or a folder beside the repository's git data; inside the workspace either way, since weft writes there. */
async function worktreePath(worktree: string | undefined, repo: string, branch: string, ctx: TaskContext): Promise<string> {
  if (worktree) return newWorkspacePath(worktree, ctx, `worktree "${worktree}"`);
  const path = await defaultWorktreePath(repo, branch, ctx.signal);
  return newWorkspacePath(path, ctx, `the default worktree ${path} (in the repository's git folder)`);
}

/** Commits whatever the strategy left uncommitted; gives the branch's head. */
async function commitChanges(input: ResolverInput, ws: Workspace, ctx: TaskContext): Promise<string> {
  const options = { cwd: ws.worktree, signal: ctx.signal };
  await git(['add', '--all'], options);
  const status = await git(['status', '--porcelain'], options);
  if (status.trim() !== '') {
    const env = await identityEnv(ws.worktree, ctx.signal);
    await git(['commit', '--quiet', '--no-verify', '-m', commitMessage(input)], { ...options, env });
  }
  return (await git(['rev-parse', 'HEAD'], options)).trim();
}

function commitMessage(input: ResolverInput): string {
  if (input.commitMessage) return input.commitMessage;
  const ref = input.issue.number === undefined ? '' : ` (#${input.issue.number})`;
  const closes = input.issue.number === undefined ? '' : `\n\nCloses #${input.issue.number}.`;
  return `Fix: ${input.issue.title.replace(/\s+/g, ' ').trim()}${ref}${closes}\n\nMade by weft's resolver (${input.strategy}).`;
}

async function verify(script: string | undefined, ws: Workspace, ctx: TaskContext): Promise<Pick<ResolverOutput, 'verified' | 'verifyLog'>> {
  if (!script) return { verified: false, verifyLog: '(no verify command was configured)' };
  ctx.log('running verify');
  const env = { ...process.env, ...ctx.env, WEFT_BRANCH: ws.branch, WEFT_WORKTREE: ws.worktree, WEFT_BASE: ws.base };
  const result = await runScript(script, { cwd: ws.worktree, env, signal: ctx.signal, onLine: (s, line) => ctx.logStream(s, line) });
  const verified = result.code === 0;
  ctx.log(verified ? 'verify passed' : `verify failed (exit ${result.code ?? result.signal})`);
  return { verified, verifyLog: result.log };
}

async function describeChange(ws: Workspace, commit: string, ctx: TaskContext) {
  const changes = await changedFiles(ws.worktree, ws.base, commit, ctx.signal);
  const diff = await diffText(ws.worktree, ws.base, commit, ctx.signal);
  const cut = diff.length > MAX_DIFF_CHARS ? `${diff.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters]\n` : diff;
  return { branch: ws.branch, worktree: ws.worktree, base: ws.base, commit, diff: cut, files: changes.map((c) => c.path), ...totals(changes) };
}
