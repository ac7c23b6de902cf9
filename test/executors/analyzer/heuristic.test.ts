/**
 * The heuristic analyzer on realistic issues (fixtures/issues: the kinds a real
 * tracker gets) against a small real project (fixtures/repo) in a git repository.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeHeuristically } from '../../../src/executors/analyzer/heuristic.js';
import type { IssueData } from '../../../src/executors/analyzer/types.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';

interface Fixture {
  name: string;
  issue: IssueData;
  expect: { category: string; complexity?: string; files?: string[]; requiresHuman: boolean };
}

const fixtures = join(import.meta.dirname, 'fixtures');

function loadIssues(): Fixture[] {
  return readdirSync(join(fixtures, 'issues'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(fixtures, 'issues', name), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!match) throw new Error(`${name} has no front matter`);
      const meta = parse(match[1] ?? '') as { title: string; labels: string[]; expect: Fixture['expect'] };
      return { name, issue: { title: meta.title, body: match[2] ?? '', labels: meta.labels }, expect: meta.expect };
    });
}

let repo: TestRepo;
beforeAll(() => {
  repo = makeRepo({ from: join(fixtures, 'repo') });
});
afterAll(() => repo.remove());
const signal = new AbortController().signal;

describe.each(loadIssues())('issue $name', ({ issue, expect: expected }) => {
  it(`is ${expected.category}${expected.complexity ? `, ${expected.complexity}` : ''}, points at the right files, and ${expected.requiresHuman ? 'needs' : 'does not need'} a human`, async () => {
    const analysis = await analyzeHeuristically(issue, repo.dir, signal);
    expect(analysis.category).toBe(expected.category);
    if (expected.complexity) expect(analysis.complexity).toBe(expected.complexity);
    for (const file of expected.files ?? []) expect(analysis.files.slice(0, 3)).toContain(file);
    expect(analysis.requiresHuman).toBe(expected.requiresHuman);
    if (analysis.requiresHuman) expect(analysis.reasons.length).toBeGreaterThan(0);
    expect(analysis.confidence).toBeGreaterThanOrEqual(0);
    expect(analysis.confidence).toBeLessThanOrEqual(1);
  });
});

describe('heuristic details', () => {
  it('maps a frame in built JavaScript back to its TypeScript source, with the line', async () => {
    const [crash] = loadIssues();
    const analysis = await analyzeHeuristically(crash!.issue, repo.dir, signal);
    expect(analysis.locations[0]).toEqual({ file: 'src/config/loader.ts', line: 17, why: 'stack-frame' });
  });

  it('lets a label outweigh the words of the body', async () => {
    const issue = { title: 'Retry uploads', body: 'It would be nice to retry failed uploads.', labels: ['type: bug'] };
    expect((await analyzeHeuristically(issue, repo.dir, signal)).category).toBe('bug');
    expect((await analyzeHeuristically({ ...issue, labels: [] }, repo.dir, signal)).category).toBe('feature');
  });

  it('ignores files the repository does not have, and paths inside node_modules', async () => {
    const body = 'Fails in src/does/not/exist.ts\n    at x (/app/node_modules/lib/index.js:1:1)\n    at y (/home/me/acme/src/http/client.ts:9:3)';
    const analysis = await analyzeHeuristically({ title: 'Error on deploy', body, labels: [] }, repo.dir, signal);
    expect(analysis.files).toEqual(['src/http/client.ts']);
  });

  it('summarizes with the cleaned title and the first sentence the author wrote', async () => {
    const body = '<!-- template -->\n**Describe the bug**\nHi!\n\nThe table breaks. More text here.';
    const analysis = await analyzeHeuristically({ title: '[Bug] table: broken', body, labels: [] }, undefined, signal);
    expect(analysis.summary).toBe('Table: broken. The table breaks');
    expect(analysis.files).toEqual([]);
  });
});
