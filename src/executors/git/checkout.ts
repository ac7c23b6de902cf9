/**
 * The checkout an executor works on, named by its input. The folder must lie inside
 * the workspace, and so must the top of its work tree: git finds a repository by
 * climbing, so `repo: sub` could otherwise hand an executor a repository that holds
 * the whole workspace and more.
 */
import { realpath } from 'node:fs/promises';
import type { TaskContext } from '../../engine/executor.js';
import { assertInWorkspace, workspacePath } from '../workspace-path.js';
import { repoRoot } from './git.js';

/** The real path of the work tree holding `value` (relative to the workdir), inside the workspace. */
export async function workspaceCheckout(value: string, ctx: TaskContext, input: string): Promise<string> {
  const what = `${input} "${value}"`;
  const dir = await workspacePath(value, ctx, { what, kind: 'directory' });
  const root = await realpath(await repoRoot(dir, ctx.signal));
  await assertInWorkspace(root, ctx, `the git work tree holding ${what}`);
  return root;
}
