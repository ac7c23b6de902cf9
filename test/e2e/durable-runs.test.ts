/**
 * Durable runs through the real CLI and real processes: approvals that outlive the
 * process, a run killed with SIGKILL over and over and resumed each time, and two
 * processes racing to resume one run.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import { runCli, startCli, waitForStderr } from './cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'weft-durable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A fresh folder with a workflow file and its own store. */
function project(workflow: string) {
  const dir = join(root, `p${counter++}`);
  const markers = join(dir, 'markers');
  mkdirSync(markers, { recursive: true });
  writeFileSync(join(dir, 'wf.yaml'), workflow);
  const env = { WEFT_STORE: join(dir, 'weft.db'), WEFT_KILL_GRACE_MS: '200', MARKERS: markers };
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
  const show = async (runId: string): Promise<RunResult> => JSON.parse((await cli('show', runId, '--json')).stdout) as RunResult;
  const lastRunId = async (): Promise<string | undefined> => (JSON.parse((await cli('runs', '--json')).stdout) as RunResult[])[0]?.runId;
  return { dir, markers, env, cli, show, lastRunId };
}

const gated = `name: gated
tasks:
  build: { uses: echo, with: { artifact: a.tgz } }
  gate: { needs: build, uses: approval, with: { message: "Ship it?" } }
  ship:
    needs: gate
    run: echo "shipped by \${{ tasks.gate.outputs.by }}"
  on_reject: { needs: gate, trigger: all_failed, uses: echo, with: { rolled_back: true } }
`;

describe('approval round trip', () => {
  it('run → exit 3 → approve → resume → succeeded', async () => {
    const p = project(gated);
    const first = await p.cli('run', 'wf.yaml');
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(/gate: Ship it\?/);
    const runId = (await p.lastRunId())!;
    expect((await p.show(runId)).status).toBe('waiting');

    const approved = await p.cli('approve', runId, 'gate', '--comment', 'lgtm', '--by', 'ada');
    expect(approved.code).toBe(0);
    const resumed = await p.cli('resume', runId, '--json');
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout) as RunResult;
    expect(result.tasks.gate).toMatchObject({ status: 'succeeded', attempts: 1, outputs: { approved: true, by: 'ada', comment: 'lgtm' } });
    expect(result.tasks.ship?.outputs).toMatchObject({ stdout: 'shipped by ada' });
    expect(result.tasks.on_reject?.status).toBe('skipped');
  });

  it('reject → the failure path runs; approving a task that is not waiting is refused', async () => {
    const p = project(gated);
    expect((await p.cli('run', 'wf.yaml')).code).toBe(3);
    const runId = (await p.lastRunId())!;
    const wrong = await p.cli('approve', runId, 'build');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/task "build" of run .* is succeeded, not waiting/);
    const rejected = await p.cli('reject', runId, 'gate', '-m', 'not today', '--resume', '--json');
    expect(rejected.code).toBe(1);
    const result = JSON.parse(rejected.stdout) as RunResult;
    expect(result.tasks.gate?.error).toMatchObject({ code: 'REJECTED' });
    expect(result.tasks.ship?.status).toBe('upstream_failed');
    expect(result.tasks.on_reject).toMatchObject({ status: 'succeeded', outputs: { rolled_back: true } });
  });
});

/** A layered DAG of 200 tasks, half shell (each leaves a marker per real run), half echo. */
function crashWorkflow(): string {
  const lines = ['name: crashy', 'concurrency: 4', 'tasks:'];
  for (let i = 0; i < 200; i++) {
    const needs = i < 10 ? '' : `needs: [t${Math.max(0, i - 10 - (i % 7))}, t${i - 1 - (i % 3)}], `;
    if (i % 2 === 0) {
      const ms = 150 + ((i * 37) % 350);
      lines.push(`  t${i}: { ${needs}run: 'touch "$MARKERS/t${i}.$WEFT_ATTEMPT.$$"; sleep ${ms / 1000}; echo "n=${i}" >> "$WEFT_OUTPUT"', retry: { maxAttempts: 1 } }`);
    } else {
      lines.push(`  t${i}: { ${needs}uses: echo, with: { n: ${i} } }`);
    }
  }
  return lines.join('\n');
}

describe('crash safety', () => {
  it('survives SIGKILL at random moments, 20 times: every task succeeds exactly once, nothing lost, attempts never go down', async () => {
    const p = project(crashWorkflow());
    const attemptsSeen = new Map<string, number>();
    let runId: string | undefined;
    let kills = 0;
    while (kills < 20) {
      const { child, done } = runId ? startCli(['resume', runId], { cwd: p.dir, env: p.env }) : startCli(['run', 'wf.yaml'], { cwd: p.dir, env: p.env });
      // The first time, let the run be recorded; after that, kill at any moment.
      if (!runId) await waitForStderr(child, 'started');
      await sleep(100 + Math.random() * 500);
      const alive = child.exitCode === null;
      if (alive) child.kill('SIGKILL');
      const exit = await done;
      runId ??= await p.lastRunId();
      expect(runId, 'the run was not recorded before the first kill').toBeDefined();
      kills++;
      const stored = await p.show(runId!);
      for (const [id, task] of Object.entries(stored.tasks)) {
        expect(task.attempts, `attempts of ${id} went down`).toBeGreaterThanOrEqual(attemptsSeen.get(id) ?? 0);
        attemptsSeen.set(id, task.attempts);
      }
      expect(alive, `the run finished before kill ${kills + 1}; make the workflow longer. ${exit.stderr}`).toBe(true);
    }
    expect(kills).toBe(20);
    const last = await p.cli('resume', runId!, '--json');
    expect(last.code, last.stderr).toBe(0);
    expect((JSON.parse(last.stdout) as RunResult).status).toBe('succeeded');
    const stored = await p.show(runId!);
    const markers = readdirSync(p.markers);
    for (let i = 0; i < 200; i++) {
      const task = stored.tasks[`t${i}`]!;
      expect(task.status, `t${i}`).toBe('succeeded');
      if (i % 2 === 0) {
        expect(task.outputs).toMatchObject({ n: String(i), exitCode: 0 });
        const ran = markers.filter((m) => m.startsWith(`t${i}.`)).length;
        expect(ran).toBeGreaterThanOrEqual(1);
        expect(ran, `t${i} ran ${ran} times for ${task.attempts} recorded attempts`).toBeLessThanOrEqual(task.attempts + 1);
      } else {
        expect(task.outputs).toEqual({ n: i });
      }
    }
    expect(readFileSync(join(p.dir, 'weft.db')).length).toBeGreaterThan(0);
  }, 180_000);

  it('lets exactly one of two racing processes resume a run', async () => {
    const p = project(`name: race
tasks:
  first: { run: "sleep 0.1" }
  slow: { needs: first, run: "sleep 1.5" }
`);
    const { child, done } = startCli(['run', 'wf.yaml'], { cwd: p.dir, env: p.env });
    await waitForStderr(child, 'slow started');
    child.kill('SIGKILL');
    await done;
    const runId = (await p.lastRunId())!;
    const [a, b] = await Promise.all([p.cli('resume', runId, '--quiet'), p.cli('resume', runId, '--quiet')]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr).toMatch(/is being driven by .*:\d+:/);
  }, 60_000);
});
