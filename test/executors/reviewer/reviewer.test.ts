import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reviewerExecutor, type ReviewerInput, type ReviewerOutput } from '../../../src/executors/reviewer/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git-repo.js';
import { startLlmServer, type LlmStandIn } from '../../helpers/llm-server.js';
import { makeContext } from '../../helpers/task-context.js';

const files = {
  'src/app.ts': 'export const port = 8080;\n',
  'test/app.test.ts': "import { port } from '../src/app.js';\n",
  'big.txt': `${Array.from({ length: 300 }, (_, i) => `line ${i}`).join('\n')}\n`,
  'package-lock.json': '{}\n',
  '.github/workflows/ci.yml': 'on: push\n',
};

let repo: TestRepo;
let base: string;
beforeEach(() => {
  repo = makeRepo({ files });
  base = repo.git('rev-parse', 'HEAD').trim();
});
afterEach(() => repo.remove());

/** Commits `changes` (text, or null to delete) on top of the base. */
function change(changes: Record<string, string | Buffer | null>): void {
  for (const [path, content] of Object.entries(changes)) {
    const full = join(repo.dir, path);
    if (content === null) rmSync(full);
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
  repo.git('add', '--all');
  repo.git('commit', '--quiet', '-m', 'change');
}

function review(input: Partial<ReviewerInput> = {}, env: Record<string, string> = {}): Promise<ReviewerOutput> {
  return Promise.resolve(reviewerExecutor.execute({ worktree: '.', base, ...input }, makeContext({ workdir: repo.dir, env })));
}

const rules = (out: ReviewerOutput) => out.findings.map((f) => f.rule);

describe('reviewer', () => {
  it('approves a small tested change whose checks pass', async () => {
    change({ 'src/app.ts': 'export const port = 8081;\n', 'test/app.test.ts': "import { port } from '../src/app.js';\n// checks 8081\n" });
    const out = await review({ checks: ['true', { name: 'lint', run: 'test -f src/app.ts' }] });
    expect(out).toMatchObject({ approved: true, score: 100, findings: [], requiresHuman: false, filesChanged: 2, linesChanged: 3 });
    expect(out.checks.map((c) => [c.name, c.passed])).toEqual([['true', true], ['lint', true]]);
  });

  it('turns a failing check into an error finding with its last line, and does not approve', async () => {
    change({ 'test/app.test.ts': 'x\n' });
    const out = await review({ checks: ['echo "1 test failed: port" >&2; exit 1'] });
    expect(out.approved).toBe(false);
    expect(out.requiresHuman).toBe(true);
    expect(out.findings[0]).toMatchObject({ severity: 'error', rule: 'check-failed' });
    expect(out.findings[0]?.message).toContain('1 test failed: port');
    expect(out.checks[0]).toMatchObject({ passed: false, exitCode: 1 });
  });

  it('finds added secrets, by kind and line, without repeating them', async () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    change({ 'src/app.ts': `export const port = 8080;\nconst token = "${token}";\n`, 'test/app.test.ts': 'y\n' });
    const out = await review();
    const secret = out.findings.find((f) => f.rule === 'secret-added');
    expect(secret).toMatchObject({ severity: 'error', file: 'src/app.ts', line: 2 });
    expect(secret?.message).toContain('GitHub token');
    expect(JSON.stringify(out)).not.toContain(token);
    expect(out.approved).toBe(false);
  });

  it('flags lockfile and CI changes, large deletions, binaries, TODOs and code without tests', async () => {
    change({
      'package-lock.json': '{"changed":true}\n',
      '.github/workflows/ci.yml': 'on: [push, pull_request]\n',
      'big.txt': null,
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
      'src/app.ts': 'export const port = 8080;\n// TODO: read it from the env\n',
    });
    const out = await review({ policy: { minScore: 0 } });
    expect(rules(out).sort()).toEqual(['binary-file', 'ci-config-changed', 'large-deletion', 'lockfile-changed', 'no-tests', 'todo-added']);
    expect(out.findings.find((f) => f.rule === 'todo-added')).toMatchObject({ severity: 'info', file: 'src/app.ts', line: 2 });
    expect(out.score).toBe(100 - 5 * 10 - 2);
    expect(out.approved).toBe(true);
    expect(out.requiresHuman).toBe(true);
    expect(out.reasons.join()).toContain('ci-config-changed');
  });

  it('applies the policy: size limits, forbidden and allowed paths', async () => {
    change({ 'src/app.ts': 'a\nb\nc\n', 'test/app.test.ts': 'z\n', 'docs/x.md': 'x\n' });
    const out = await review({ policy: { maxFilesChanged: 2, maxLinesChanged: 4, forbiddenPaths: ['docs/'], allowedPaths: ['src/**', 'test/**'] } });
    expect(rules(out).sort()).toEqual(['forbidden-path', 'max-files-changed', 'max-lines-changed', 'outside-allowed-paths']);
    expect(out.findings.every((f) => f.severity === 'error')).toBe(true);
    expect(out.approved).toBe(false);
  });

  describe('with a model review', () => {
    let llm: LlmStandIn;
    beforeEach(async () => {
      llm = await startLlmServer();
    });
    afterEach(() => llm.close());

    it("adds the model's findings under llm-review", async () => {
      change({ 'src/app.ts': 'export const port = "8080";\n', 'test/app.test.ts': 'w\n' });
      llm.answer({ findings: [{ severity: 'warning', file: 'src/app.ts', line: 1, message: 'port is now a string' }] });
      const out = await review({ llmReview: true, llm: { baseUrl: llm.url, model: 'reviewer' } });
      expect(out.findings).toEqual([{ severity: 'warning', file: 'src/app.ts', line: 1, message: 'port is now a string', rule: 'llm-review' }]);
      const user = JSON.parse((llm.requests[0]?.body as { messages: { content: string }[] }).messages[1]?.content ?? '{}');
      expect(user.diff).toContain('+export const port = "8080";');
    });
  });
});
