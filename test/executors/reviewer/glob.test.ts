import { describe, expect, it } from 'vitest';
import { firstMatch, globToRegExp } from '../../../src/executors/reviewer/glob.js';

const matches = (glob: string, path: string) => globToRegExp(glob).test(path);

describe('review policy globs', () => {
  it('keeps * within a segment and lets ** cross segments', () => {
    expect(matches('src/*.ts', 'src/a.ts')).toBe(true);
    expect(matches('src/*.ts', 'src/deep/a.ts')).toBe(false);
    expect(matches('src/**/*.ts', 'src/a.ts')).toBe(true);
    expect(matches('src/**/*.ts', 'src/deep/er/a.ts')).toBe(true);
    expect(matches('src/**', 'src/x/y')).toBe(true);
  });

  it('matches a pattern without a slash in any folder, and a folder with everything in it', () => {
    expect(matches('*.lock', 'a/b/yarn.lock')).toBe(true);
    expect(matches('.env', 'config/.env')).toBe(true);
    expect(matches('docs/', 'docs/guide/intro.md')).toBe(true);
    expect(matches('secrets', 'app/secrets/key.pem')).toBe(true);
    expect(matches('/src/a.ts', 'src/a.ts')).toBe(true);
    expect(matches('src/a.ts', 'lib/src/a.ts')).toBe(false);
  });

  it('treats regex characters literally', () => {
    expect(matches('a+b(1).txt', 'a+b(1).txt')).toBe(true);
    expect(matches('a.txt', 'abtxt')).toBe(false);
    expect(firstMatch('x/y.md', ['*.ts', 'x/*'])).toBe('x/*');
  });
});
