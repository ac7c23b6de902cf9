/**
 * The reviewer's rules over a diff: each looks at the changed files or the added
 * lines and reports what a careful maintainer would stop at before merging a change
 * nobody typed by hand.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddedLine, FileChange } from '../git/diff.js';
import { firstMatch } from './glob.js';
import { secretKind } from './secrets.js';
import type { Finding, ReviewPolicy } from './types.js';

export interface ReviewedChange {
  worktree: string;
  files: FileChange[];
  added: AddedLine[];
}

export const DEFAULT_POLICY = {
  maxFilesChanged: 25,
  maxLinesChanged: 1000,
  maxDeletionsPerFile: 200,
  requireTests: true,
  minScore: 60,
} as const;

const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'Cargo.lock', 'poetry.lock',
  'Pipfile.lock', 'uv.lock', 'go.sum', 'Gemfile.lock', 'composer.lock', 'mix.lock', 'pubspec.lock', 'Podfile.lock',
]);
const CI_CONFIG = ['.github/workflows/', '.github/actions/', '.gitlab-ci.yml', '.circleci/', 'Jenkinsfile', 'azure-pipelines.yml', '.travis.yml', '.buildkite/', 'bitbucket-pipelines.yml'];
const CODE_FILE = /\.(?:[cm]?[jt]sx?|py|go|rs|java|kt|scala|rb|php|cs|swift|c|h|cc|cpp|hpp|ex|exs|vue|svelte)$/;
const TEST_FILE = /(?:^|\/)(?:tests?|__tests__|spec|specs)\/|\.(?:test|spec)\.\w+$|_test\.\w+$|(?:^|\/)test_[^/]+\.py$/;
const TODO = /\b(?:TODO|FIXME|XXX|HACK)\b/;

export function applyRules(change: ReviewedChange, policy: ReviewPolicy): Finding[] {
  return [
    ...sizeFindings(change.files, policy),
    ...pathFindings(change.files, policy),
    ...fileFindings(change, policy),
    ...lineFindings(change.added),
    ...testFindings(change.files, policy),
  ];
}

function sizeFindings(files: FileChange[], policy: ReviewPolicy): Finding[] {
  const findings: Finding[] = [];
  const maxFiles = policy.maxFilesChanged ?? DEFAULT_POLICY.maxFilesChanged;
  const maxLines = policy.maxLinesChanged ?? DEFAULT_POLICY.maxLinesChanged;
  const lines = files.reduce((sum, f) => sum + f.insertions + f.deletions, 0);
  if (files.length > maxFiles) {
    findings.push({ severity: 'error', rule: 'max-files-changed', message: `${files.length} files changed; the policy allows ${maxFiles}` });
  }
  if (lines > maxLines) {
    findings.push({ severity: 'error', rule: 'max-lines-changed', message: `${lines} lines changed; the policy allows ${maxLines}` });
  }
  return findings;
}

function pathFindings(files: FileChange[], policy: ReviewPolicy): Finding[] {
  const findings: Finding[] = [];
  for (const { path } of files) {
    const forbidden = firstMatch(path, policy.forbiddenPaths ?? []);
    if (forbidden !== undefined) {
      findings.push({ severity: 'error', rule: 'forbidden-path', file: path, message: `changes a path the policy forbids ("${forbidden}")` });
    }
    if (policy.allowedPaths && firstMatch(path, policy.allowedPaths) === undefined) {
      findings.push({ severity: 'error', rule: 'outside-allowed-paths', file: path, message: `changes a file outside the allowed paths (${policy.allowedPaths.join(', ')})` });
    }
    const name = path.split('/').pop() ?? path;
    if (LOCKFILES.has(name)) {
      findings.push({ severity: 'warning', rule: 'lockfile-changed', file: path, message: 'changes a lockfile: check that the dependency change was intended' });
    }
    if (CI_CONFIG.some((prefix) => path === prefix || path.startsWith(prefix))) {
      findings.push({ severity: 'warning', rule: 'ci-config-changed', file: path, message: 'changes CI configuration, which runs with the repository\'s secrets: a maintainer must look at it' });
    }
  }
  return findings;
}

function fileFindings(change: ReviewedChange, policy: ReviewPolicy): Finding[] {
  const findings: Finding[] = [];
  const maxDeletions = policy.maxDeletionsPerFile ?? DEFAULT_POLICY.maxDeletionsPerFile;
  for (const file of change.files) {
    if (file.binary) {
      findings.push({ severity: 'warning', rule: 'binary-file', file: file.path, message: 'adds or changes a binary file, which cannot be reviewed as text' });
    }
    const deleted = !existsSync(join(change.worktree, file.path));
    if (deleted || file.deletions > maxDeletions) {
      const what = deleted ? `deletes the file (${file.deletions} lines)` : `deletes ${file.deletions} lines`;
      findings.push({ severity: 'warning', rule: 'large-deletion', file: file.path, message: `${what}: check nothing needed was lost` });
    }
  }
  return findings;
}

function lineFindings(added: AddedLine[]): Finding[] {
  const findings: Finding[] = [];
  for (const { file, line, text } of added) {
    const kind = secretKind(text);
    if (kind) {
      findings.push({ severity: 'error', rule: 'secret-added', file, line, message: `adds what looks like ${kind}; remove it and rotate it if it was real` });
    }
    const todo = TODO.exec(text);
    if (todo) findings.push({ severity: 'info', rule: 'todo-added', file, line, message: `adds a ${todo[0]} comment: the change may be unfinished` });
  }
  return findings;
}

function testFindings(files: FileChange[], policy: ReviewPolicy): Finding[] {
  if (policy.requireTests === false) return [];
  const code = files.filter((f) => CODE_FILE.test(f.path) && !TEST_FILE.test(f.path));
  if (code.length === 0 || files.some((f) => TEST_FILE.test(f.path))) return [];
  return [{ severity: 'warning', rule: 'no-tests', message: `changes code (${code.map((f) => f.path).slice(0, 3).join(', ')}) without changing any test` }];
}
