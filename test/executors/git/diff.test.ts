import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addedLines, changedFiles, diffText, totals } from '../../../src/executors/git/diff.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';

let repo: TestRepo | undefined;
afterEach(() => repo?.remove());
const signal = new AbortController().signal;

describe('diff', () => {
  it('counts per file, marks binary files, and gives added lines with their new line numbers', async () => {
    repo = makeRepo({ files: { 'a.txt': 'one\ntwo\nthree\n', 'gone.txt': 'x\ny\n' } });
    const base = repo.git('rev-parse', 'HEAD').trim();
    writeFileSync(join(repo.dir, 'a.txt'), 'one\nTWO\nthree\n++ not a header\n');
    writeFileSync(join(repo.dir, 'image.bin'), Buffer.from([0, 1, 2, 0, 255]));
    repo.git('rm', '--quiet', 'gone.txt');
    repo.git('add', '--all');
    repo.git('commit', '--quiet', '-m', 'change');
    const changes = await changedFiles(repo.dir, base, 'HEAD', signal);
    expect(changes).toEqual([
      { path: 'a.txt', insertions: 2, deletions: 1, binary: false },
      { path: 'gone.txt', insertions: 0, deletions: 2, binary: false },
      { path: 'image.bin', insertions: 0, deletions: 0, binary: true },
    ]);
    expect(totals(changes)).toEqual({ filesChanged: 3, insertions: 2, deletions: 3 });
    const added = addedLines(await diffText(repo.dir, base, 'HEAD', signal));
    expect(added).toEqual([
      { file: 'a.txt', line: 2, text: 'TWO' },
      { file: 'a.txt', line: 4, text: '++ not a header' },
    ]);
  });
});
