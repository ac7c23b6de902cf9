/**
 * The workspace rule, in one place for every executor. A path an executor takes
 * from its input is resolved against the task's workdir and, once `..` and every
 * symlink on the way are resolved, must lie inside the workspace: the workdir, or a
 * root the operator allowed (`workspaceRoots` in weft.config.mjs, or the engine
 * option). Nothing a workflow or its inputs say can widen it.
 *
 * Paths named by issue text are held tighter still: inside the checkout they belong
 * to (`realPathWithin`), and otherwise ignored.
 */
import { readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ErrorCodes, TaskError } from '../engine/errors.js';
import type { TaskContext } from '../engine/executor.js';

/** The code of a path refused for leading out of the workspace; never retried. */
export const PATH_OUTSIDE_WORKSPACE = 'PATH_OUTSIDE_WORKSPACE';

export type WorkspaceScope = Pick<TaskContext, 'workdir' | 'workspaceRoots'>;

export interface PathOptions {
  /** How messages name the input, e.g. `repo "../x"`. */
  what: string;
  /** What must be there. */
  kind: 'directory' | 'file';
}

/** Linux gives up after 40 links in a row; so does this. */
const MAX_LINKS = 40;

/**
 * The real path of `value` (relative to the workdir), which must lie inside the
 * workspace and be an existing `kind`. Containment is checked first, so an error
 * never says whether something outside the workspace exists.
 */
export async function workspacePath(value: string, scope: WorkspaceScope, options: PathOptions): Promise<string> {
  const path = resolve(scope.workdir, value);
  const real = await realPathOf(path, options.what);
  await assertInWorkspace(real, scope, options.what);
  const info = await stat(real).catch(() => undefined);
  const isKind = options.kind === 'directory' ? info?.isDirectory() : info?.isFile();
  if (!isKind) {
    const problem = info ? `is not a ${options.kind}` : 'does not exist';
    throw new TaskError(ErrorCodes.INVALID_INPUT, `${options.what} (${path}) ${problem}. Fix the path: a relative one starts at the task's workdir ${scope.workdir}.`, {
      retryable: false,
    });
  }
  return real;
}

/**
 * Where `value` (relative to the workdir) would be created, as a real path inside
 * the workspace: for what an executor writes, such as a worktree or an output folder.
 * The part that exists is resolved, links included; the rest cannot hold links yet.
 */
export async function newWorkspacePath(value: string, scope: WorkspaceScope, what: string): Promise<string> {
  const real = await realPathOf(resolve(scope.workdir, value), what);
  await assertInWorkspace(real, scope, what);
  return real;
}

/** Throws `PATH_OUTSIDE_WORKSPACE` unless the real path `real` lies inside the workspace. */
export async function assertInWorkspace(real: string, scope: WorkspaceScope, what: string): Promise<void> {
  const roots = await workspaceRoots(scope);
  if (roots.some((root) => isInside(real, root))) return;
  const [workdir, ...allowed] = roots;
  const others = allowed.length ? `, and the allowed roots ${allowed.join(', ')}` : '';
  throw new TaskError(
    PATH_OUTSIDE_WORKSPACE,
    `${what} resolves to ${real}, outside the workspace (the task's workdir ${workdir}${others}). ` +
      `Use a path inside it; or, if weft may work there, add ${real} or a folder above it to workspaceRoots in ` +
      'weft.config.mjs (the workspaceRoots engine option when embedding weft). A workflow cannot allow it.',
    { retryable: false },
  );
}

/**
 * The real path of `relative` inside `root` (itself a real path), or undefined when
 * it does not exist or leads out of `root` (through `..`, or a link pointing out).
 * For files named by issue text or a model: those are never read outside the checkout.
 */
export async function realPathWithin(root: string, relative: string): Promise<string | undefined> {
  const real = await realpath(resolve(root, relative)).catch(() => undefined);
  return real !== undefined && isInside(real, root) ? real : undefined;
}

/** Whether the real path `path` is `root` or lies under it. */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The workdir and the allowed roots, as real paths. */
async function workspaceRoots(scope: WorkspaceScope): Promise<string[]> {
  const roots = [scope.workdir, ...(scope.workspaceRoots ?? [])];
  return Promise.all(roots.map((root) => realPathOf(resolve(root), `workspace root ${root}`)));
}

/**
 * `realpath` for a path that may not exist yet: the real path of its deepest existing
 * part, then the rest. A dangling link is followed to where it points, since creating
 * the rest would create it there.
 */
async function realPathOf(path: string, what: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (let links = 0; ; ) {
    try {
      return join(await realpath(current), ...rest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP') throw unreadable(what, path, code);
    }
    const target = await readlink(current).catch(() => undefined);
    if (target !== undefined) {
      if (++links > MAX_LINKS) throw unreadable(what, path, 'ELOOP');
      current = resolve(dirname(current), target);
      continue;
    }
    const parent = dirname(current);
    if (parent === current) return join(current, ...rest);
    rest.unshift(basename(current));
    current = parent;
  }
}

function unreadable(what: string, path: string, code: string | undefined): TaskError {
  const why = code === 'ELOOP' ? 'leads into a loop of symbolic links' : `cannot be resolved (${code ?? 'unknown error'})`;
  return new TaskError(ErrorCodes.INVALID_INPUT, `${what} (${path}) ${why}. Give a path to a real file or folder.`, { retryable: false });
}
