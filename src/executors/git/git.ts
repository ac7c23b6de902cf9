/**
 * The git CLI, always from an argv array: refs and paths go after `--` or
 * `--end-of-options`, prompts are off (a task must never wait on a terminal), and
 * failures become `GIT_FAILED` with git's own last words.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { redact } from '../github/secrets.js';
import { runChild, type ChildResult } from './child.js';

export const GIT_FAILED = 'GIT_FAILED';
export const NOT_A_REPOSITORY = 'NOT_A_REPOSITORY';

export interface GitOptions {
  cwd: string;
  signal: AbortSignal;
  /** Added to the process environment (e.g. credentials for a push). */
  env?: Record<string, string>;
  /** Values never to show in an error message. */
  secrets?: readonly string[];
  /** Whether a failure may be retried; left to the retry policy when undefined. */
  retryable?: boolean;
}

/** Runs git and gives its stdout; a non-zero exit throws `GIT_FAILED`. */
export async function git(args: readonly string[], options: GitOptions): Promise<string> {
  const result = await gitResult(args, options);
  if (result.code !== 0) throw gitFailed(args, options, result);
  return result.stdout;
}

/** Runs git and gives its exit code and output, whatever the exit code. */
export function gitResult(args: readonly string[], options: GitOptions): Promise<ChildResult> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C', ...options.env };
  return runChild('git', args, { cwd: options.cwd, env, signal: options.signal });
}

function gitFailed(args: readonly string[], options: GitOptions, result: ChildResult): TaskError {
  const secrets = options.secrets ?? [];
  const said = redact(lastLines(result.stderr || result.stdout, 3), secrets);
  const command = `git ${args[0] ?? ''}`;
  return new TaskError(
    GIT_FAILED,
    `${command} failed with exit code ${result.code ?? result.signal} in ${options.cwd}` + (said ? `: ${said}` : ''),
    { retryable: options.retryable, exitCode: result.code ?? undefined, details: { stderrTail: redact(result.stderr.slice(-4096), secrets) } },
  );
}

/** The top of the work tree that holds `path`; `NOT_A_REPOSITORY` when there is none. */
export async function repoRoot(path: string, signal: AbortSignal): Promise<string> {
  if (!(await stat(path).catch(() => undefined))?.isDirectory()) {
    throw new TaskError(ErrorCodes.INVALID_INPUT, `${path} is not a directory. Give the path of a git checkout.`, { retryable: false });
  }
  const result = await gitResult(['rev-parse', '--show-toplevel'], { cwd: path, signal });
  if (result.code !== 0) {
    throw new TaskError(
      NOT_A_REPOSITORY,
      `${path} is not inside a git repository. Give "repo" as the path of a git checkout (git init, or git clone).`,
      { retryable: false },
    );
  }
  return result.stdout.trim();
}

/** The repository's shared `.git` directory (the same for all its worktrees), absolute. */
export async function commonGitDir(repo: string, signal: AbortSignal): Promise<string> {
  const dir = (await git(['rev-parse', '--git-common-dir'], { cwd: repo, signal })).trim();
  return isAbsolute(dir) ? dir : resolve(repo, dir);
}

/** The commit `ref` names; a non-retryable `INVALID_INPUT` when there is none. */
export async function resolveCommit(repo: string, ref: string, signal: AbortSignal): Promise<string> {
  const result = await gitResult(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd: repo, signal });
  if (result.code === 0) return result.stdout.trim();
  throw new TaskError(
    ErrorCodes.INVALID_INPUT,
    `"${ref}" names no commit in ${repo}. Give a branch, tag or commit that exists there (git branch -a lists branches).`,
    { retryable: false },
  );
}

/** Tracked files, relative to the repository root. */
export async function trackedFiles(repo: string, signal: AbortSignal): Promise<string[]> {
  const out = await git(['ls-files', '-z'], { cwd: repo, signal });
  return out.split('\0').filter(Boolean);
}

/** The current branch's name, or undefined on a detached HEAD. */
export async function currentBranch(repo: string, signal: AbortSignal): Promise<string | undefined> {
  const result = await gitResult(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: repo, signal });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/**
 * Author and committer for commits weft makes, used only when the repository has no
 * identity configured (a fresh CI machine), so a user's own identity always wins.
 */
export async function identityEnv(repo: string, signal: AbortSignal): Promise<Record<string, string>> {
  if (process.env.GIT_AUTHOR_EMAIL || process.env.GIT_COMMITTER_EMAIL) return {};
  const email = await gitResult(['config', '--get', 'user.email'], { cwd: repo, signal });
  if (email.code === 0 && email.stdout.trim()) return {};
  return {
    GIT_AUTHOR_NAME: 'weft',
    GIT_AUTHOR_EMAIL: 'weft@localhost',
    GIT_COMMITTER_NAME: 'weft',
    GIT_COMMITTER_EMAIL: 'weft@localhost',
  };
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' / ').trim();
}
