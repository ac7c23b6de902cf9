/**
 * Branch names that reach git come from workflow inputs and, through slugs, from
 * issue text. Each one is checked against git's own ref rules (`git help
 * check-ref-format`) and refused when it could be read as an option.
 */
import { ErrorCodes, TaskError } from '../../engine/errors.js';

const FORBIDDEN_CHARS = /[\x00-\x20\x7f~^:?*[\\]/;
const MAX_SLUG_CHARS = 40;

/** Why `name` cannot be a branch name, or undefined when it can. */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.startsWith('-')) return 'it starts with "-", so git would read it as an option';
  if (name === '@') return 'it is "@", which git reserves for HEAD';
  if (FORBIDDEN_CHARS.test(name)) return 'it holds a space, a control character, or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it holds ".."';
  if (name.includes('@{')) return 'it holds "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its component "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `its component "${part}" ends with ".lock"`;
  }
  return undefined;
}

/** Returns `name` when it is a safe branch name; throws a non-retryable `INVALID_INPUT` otherwise. */
export function assertBranchName(name: string, what = 'branch'): string {
  const problem = branchNameProblem(name);
  if (problem === undefined) return name;
  throw new TaskError(
    ErrorCodes.INVALID_INPUT,
    `${what} ${JSON.stringify(name)} is not a valid git branch name: ${problem}. ` +
      'Use letters, digits, "-", "_", "." and "/" (e.g. weft/issue-12-fix-login).',
    { retryable: false },
  );
}

/**
 * A branch-name-safe slug of untrusted text: lowercase ASCII words joined by "-",
 * cut at a word boundary, never empty.
 */
export function slugify(text: string, maxChars = MAX_SLUG_CHARS): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > maxChars) break;
    slug = next;
  }
  if (slug === '' && words[0]) slug = words[0].slice(0, maxChars);
  return slug || 'change';
}

/** `weft/issue-<n>-<slug>`, or `weft/issue-<slug>` for an issue without a number. */
export function issueBranchName(issue: { number?: number; title: string }): string {
  const slug = slugify(issue.title);
  const name = issue.number === undefined ? `weft/issue-${slug}` : `weft/issue-${issue.number}-${slug}`;
  return assertBranchName(name);
}
