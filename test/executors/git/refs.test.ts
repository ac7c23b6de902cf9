import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { assertBranchName, branchNameProblem, issueBranchName, slugify } from '../../../src/executors/git/refs.js';

function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', `refs/heads/${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('branchNameProblem', () => {
  it('accepts only names git itself accepts', () => {
    const unit = fc.constantFrom('a', 'Z', '0', '-', '_', '.', '/', '@', '{', ' ', '~', ':', '\\', '*', 'é', '\t');
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 12 }), (name) => {
        if (branchNameProblem(name) === undefined) expect(gitAccepts(name), name).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses names git would read as an option, and git-invalid names, saying why', () => {
    expect(branchNameProblem('--upload-pack=touch /tmp/x')).toMatch(/starts with "-"/);
    expect(branchNameProblem('a..b')).toMatch(/\.\./);
    expect(branchNameProblem('feature/.hidden')).toMatch(/starts with "\."/);
    expect(branchNameProblem('x.lock')).toMatch(/\.lock/);
    expect(branchNameProblem('a b')).toBeDefined();
    expect(branchNameProblem('@')).toBeDefined();
    expect(branchNameProblem('weft/issue-12-fix-login')).toBeUndefined();
  });

  it('makes assertBranchName throw a non-retryable INVALID_INPUT', () => {
    const error = (() => {
      try {
        assertBranchName('-f');
      } catch (e) {
        return e as TaskError;
      }
      throw new Error('expected a throw');
    })();
    expect(error).toBeInstanceOf(TaskError);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.retryable).toBe(false);
  });
});

describe('issue branch names', () => {
  it('slugs hostile and non-ASCII titles into safe words', () => {
    expect(slugify('Café Münster: crash!')).toBe('cafe-munster-crash');
    expect(slugify('$(rm -rf ~); `whoami` --exec=evil')).toBe('rm-rf-whoami-exec-evil');
    expect(slugify('日本語だけ')).toBe('change');
    expect(slugify('a'.repeat(100)).length).toBeLessThanOrEqual(40);
  });

  it('gives weft/issue-<n>-<slug> that git accepts, whatever the title', () => {
    fc.assert(
      fc.property(fc.nat({ max: 99999 }), fc.string({ maxLength: 80 }), (n, title) => {
        const name = issueBranchName({ number: n + 1, title });
        expect(name).toMatch(/^weft\/issue-\d+-[a-z0-9-]+$/);
        expect(gitAccepts(name)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
