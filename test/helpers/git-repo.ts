/**
 * Real git repositories in temporary folders: a checkout made from a fixture folder
 * (or from files given inline), with one commit on `main`, and optionally a bare
 * `origin` to push to.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TestRepo {
  /** The checkout. */
  dir: string;
  /** The bare repository `origin` points at, when asked for. */
  origin?: string;
  git(...args: string[]): string;
  remove(): void;
}

export interface TestRepoOptions {
  /** A folder whose contents become the first commit. */
  from?: string;
  files?: Record<string, string>;
  withOrigin?: boolean;
}

export function makeRepo(options: TestRepoOptions = {}): TestRepo {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'weft-repo-')));
  const dir = join(root, 'work');
  mkdirSync(dir);
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Test Author');
  git('config', 'user.email', 'author@example.com');
  git('config', 'commit.gpgsign', 'false');
  if (options.from) cpSync(options.from, dir, { recursive: true });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git('add', '--all');
  git('commit', '--quiet', '--allow-empty', '-m', 'initial commit');
  let origin: string | undefined;
  if (options.withOrigin) {
    origin = join(root, 'origin.git');
    execFileSync('git', ['init', '--quiet', '--bare', origin]);
    git('remote', 'add', 'origin', origin);
    git('push', '--quiet', 'origin', 'main');
  }
  return { dir, origin, git, remove: () => rmSync(root, { recursive: true, force: true }) };
}
