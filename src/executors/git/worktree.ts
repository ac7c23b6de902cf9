/**
 * Isolated work trees for changes weft makes: a new branch checked out in a folder
 * of its own, so the user's checkout (its files, index and current branch) is never
 * touched. A retry of the same task replaces the worktree it left behind.
 */
import { join } from 'node:path';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { commonGitDir, git } from './git.js';
import { assertBranchName } from './refs.js';

export interface WorktreeEntry {
  path: string;
  /** Short name, without `refs/heads/`; undefined for a detached HEAD. */
  branch?: string;
}

/** `<repo>/.git/weft/worktrees/<branch with "/" as "-">`: beside the repository, outside its work tree. */
export async function defaultWorktreePath(repo: string, branch: string, signal: AbortSignal): Promise<string> {
  return join(await commonGitDir(repo, signal), 'weft', 'worktrees', branch.replaceAll('/', '-'));
}

/** Every worktree of the repository; the first is the main one. */
export async function listWorktrees(repo: string, signal: AbortSignal): Promise<WorktreeEntry[]> {
  const out = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repo, signal });
  const entries: WorktreeEntry[] = [];
  for (const field of out.split('\0')) {
    if (field.startsWith('worktree ')) entries.push({ path: field.slice('worktree '.length) });
    const last = entries[entries.length - 1];
    if (last && field.startsWith('branch refs/heads/')) last.branch = field.slice('branch refs/heads/'.length);
  }
  return entries;
}

/**
 * Checks out a new branch `branch` at commit `base` in `path`. A branch of that name
 * is reset to `base`; a worktree weft left there before is removed first. The branch
 * checked out in the main worktree is refused: it is the user's.
 */
export async function addWorktree(
  repo: string,
  options: { branch: string; base: string; path: string },
  signal: AbortSignal,
): Promise<void> {
  const branch = assertBranchName(options.branch);
  await git(['worktree', 'prune'], { cwd: repo, signal });
  const [main, ...others] = await listWorktrees(repo, signal);
  if (main?.branch === branch) {
    throw new TaskError(
      ErrorCodes.INVALID_INPUT,
      `branch "${branch}" is checked out in ${main.path}, and weft never changes the user's checkout. ` +
        'Switch that checkout to another branch, or choose another branch name.',
      { retryable: false },
    );
  }
  for (const stale of others.filter((w) => w.branch === branch || w.path === options.path)) {
    await removeWorktree(repo, stale.path, signal);
  }
  await git(['worktree', 'add', '--quiet', '-B', branch, '--', options.path, options.base], { cwd: repo, signal });
}

/** Removes a worktree and its folder, even with uncommitted changes in it. */
export async function removeWorktree(repo: string, path: string, signal: AbortSignal): Promise<void> {
  await git(['worktree', 'remove', '--force', '--force', '--', path], { cwd: repo, signal });
}
