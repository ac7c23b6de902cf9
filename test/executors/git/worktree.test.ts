import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { addWorktree, defaultWorktreePath, listWorktrees } from '../../../src/executors/git/worktree.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';

let repo: TestRepo;
afterEach(() => repo.remove());
const signal = new AbortController().signal;

describe('addWorktree', () => {
  it('checks the branch out in its own folder and leaves the user checkout as it was', async () => {
    repo = makeRepo({ files: { 'a.txt': 'hello\n' } });
    writeFileSync(join(repo.dir, 'a.txt'), 'uncommitted edit\n');
    const base = repo.git('rev-parse', 'HEAD').trim();
    const path = await defaultWorktreePath(repo.dir, 'weft/issue-1-x', signal);
    await addWorktree(repo.dir, { branch: 'weft/issue-1-x', base, path }, signal);
    expect(path).toContain(join('.git', 'weft', 'worktrees'));
    expect(readFileSync(join(path, 'a.txt'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(repo.dir, 'a.txt'), 'utf8')).toBe('uncommitted edit\n');
    expect(repo.git('symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
  });

  it('replaces the worktree a previous attempt left, with the branch reset to the base', async () => {
    repo = makeRepo({ files: { 'a.txt': 'hello\n' } });
    const base = repo.git('rev-parse', 'HEAD').trim();
    const path = await defaultWorktreePath(repo.dir, 'weft/b', signal);
    await addWorktree(repo.dir, { branch: 'weft/b', base, path }, signal);
    writeFileSync(join(path, 'leftover.txt'), 'from the failed attempt\n');
    await addWorktree(repo.dir, { branch: 'weft/b', base, path }, signal);
    expect(existsSync(join(path, 'leftover.txt'))).toBe(false);
    expect((await listWorktrees(repo.dir, signal)).filter((w) => w.branch === 'weft/b')).toHaveLength(1);
  });

  it("refuses the branch checked out in the user's checkout", async () => {
    repo = makeRepo();
    const base = repo.git('rev-parse', 'HEAD').trim();
    const error = await addWorktree(repo.dir, { branch: 'main', base, path: join(repo.dir, '..', 'wt') }, signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).code).toBe('INVALID_INPUT');
  });
});
