/**
 * The flagship workflow, end to end through the engine with the real executors:
 * a real repository with a real bug (examples/issue-to-pr/project), a bare origin,
 * the fix script as the resolver's command, and the project's own tests as checks.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { makeRepo, type TestRepo } from '../helpers/git-repo.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = join(root, 'examples', 'issue-to-pr');

let repo: TestRepo;
beforeEach(() => {
  repo = makeRepo({ from: join(example, 'project'), withOrigin: true });
  // The project's tests compile with TypeScript: weft's own copy.
  vi.stubEnv('PATH', `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`);
});
afterEach(() => {
  vi.unstubAllEnvs();
  repo.remove();
});

async function run(inputs: Record<string, unknown>): Promise<RunResult> {
  // The checkout and the example issues lie outside workflows/, the workdir: the operator allows them.
  const engine = new WorkflowEngine({ workspaceRoots: [join(repo.dir, '..'), example] });
  const workflow = await engine.loadFile(join(root, 'workflows', 'issue-to-pr.yaml'));
  return engine.start(workflow, { inputs: { repo: repo.dir, issue: join(example, 'issue.json'), fix: join(example, 'fix.sh'), ...inputs }, workdir: join(root, 'workflows') }).result;
}

function script(name: string, text: string): string {
  const path = join(repo.dir, '..', name);
  writeFileSync(path, text);
  return path;
}

describe('workflows/issue-to-pr.yaml', () => {
  it('turns the bug report into a reviewed pull request on a pushed branch', async () => {
    const result = await run({});
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toMatchObject({ outcome: 'pull-request', created: true, category: 'bug', reviewScore: 100, humanNeeded: null });
    const branch = result.outputs.branch as string;
    expect(branch).toBe('weft/issue-42-parseduration-treats-hours-as-minutes');
    expect(readFileSync(join(repo.origin ?? '', 'refs', 'heads', ...branch.split('/')), 'utf8').trim()).toBe(repo.git('rev-parse', branch).trim());
    const pr = readFileSync(fileURLToPath(result.outputs.pullRequest as string), 'utf8');
    expect(pr).toContain('# fix: parseDuration treats hours as minutes (#42)');
    expect(pr).toContain('`src/duration.ts` (+1 −1)');
    expect(pr).toContain('✅ `bash -c npm test`');
    expect(result.tasks.escalate?.status).toBe('skipped');
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(readFileSync(join(repo.dir, 'src', 'duration.ts'), 'utf8')).toContain('h: 60_000');
  });

  it('escalates instead of opening a PR when the review does not approve the change', async () => {
    const fix = script('bad-fix.sh', 'echo "Hours are fine." >> README.md\n');
    const result = await run({ fix });
    expect(result.status).toBe('succeeded');
    expect(result.tasks.open_pr?.status).toBe('skipped');
    expect(result.outputs.outcome).toBe('needs-human');
    expect(result.outputs.humanNeeded).toMatch(/^the review did not approve it: .*check-failed/);
  });

  it('escalates when the resolver makes no change', async () => {
    const result = await run({ fix: script('no-op.sh', 'echo "nothing to do"\n') });
    expect(result.tasks.resolve).toMatchObject({ status: 'failed', error: { code: 'NO_CHANGES' } });
    expect(result.outputs).toMatchObject({ outcome: 'needs-human', humanNeeded: 'the resolver could not make the change: see the resolve task log' });
  });

  it('hands a security report to a human without touching the repository', async () => {
    const result = await run({ issue: join(example, 'security-issue.json') });
    expect(result.tasks.resolve?.status).toBe('skipped');
    expect(result.outputs).toMatchObject({ outcome: 'needs-human', category: 'security' });
    expect(result.outputs.humanNeeded).toMatch(/^the analyzer says: it reads as a security report/);
    expect(existsSync(join(repo.dir, '.git', 'weft'))).toBe(false);
  });
});
