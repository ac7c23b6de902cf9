/**
 * A custom executor that throws from a timer: an exception nothing can catch.
 * Under the real CLI, `weft run` stops with exit code 70, says what was thrown
 * and what was running, kills the processes it started and leaves the run,
 * lease released, for `weft resume`, which finishes it without running again
 * what had ended. A `weft worker` stops the same way, and the coordinator
 * retries the lost attempt on another worker.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import { loadConfig } from '../../src/cli/config.js';
import { createQueueDispatcher } from '../../src/scale/index.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { runCli, startCli, waitForStderr } from '../e2e/cli-process.js';
import { recordEvents } from '../helpers/engine.js';
import { isAlive } from '../helpers/processes.js';
import { startRedisServer } from '../scale/helpers/redis-server.js';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'weft-crashing-')));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/**
 * `flaky` throws from a timer the first time it runs (once `waitFor` exists), and
 * never settles; after that it returns at once. `marks/thrown` records which
 * process it threw in.
 */
const CONFIG = `import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export default {
  executors: [{
    name: 'flaky',
    async execute(input, ctx) {
      const marker = path.join(input.marks, 'thrown');
      if (existsSync(marker)) return { attempt: ctx.attempt };
      writeFileSync(marker, String(process.pid));
      const timer = setInterval(() => {
        if (!existsSync(input.waitFor)) return;
        clearInterval(timer);
        throw new Error('boom from a timer');
      }, 10);
      return new Promise(() => undefined);
    },
  }],
};
`;

function project(name: string): { dir: string; marks: string } {
  const dir = join(temp, name);
  const marks = join(dir, 'marks');
  mkdirSync(marks, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{}');
  writeFileSync(join(dir, 'weft.config.mjs'), CONFIG);
  return { dir, marks };
}

function linesOf(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('a custom executor that throws from a timer, under weft run', () => {
  it('stops weft with exit code 70 and a clear report; weft resume finishes the run, running nothing twice', async () => {
    const { dir, marks } = project('run');
    writeFileSync(
      join(dir, 'wf.yaml'),
      `name: crashy
env:
  MARKS: ${JSON.stringify(marks)}
tasks:
  first:
    run: echo ran >> "$MARKS/first"; echo "v=1" >> "$WEFT_OUTPUT"
  sleeper:
    run: |
      echo $$ > "$MARKS/sleeper.$WEFT_ATTEMPT.pid"
      if [ "$WEFT_ATTEMPT" = 1 ]; then sleep 30; fi
  flaky:
    needs: first
    uses: flaky
    with: { marks: ${JSON.stringify(marks)}, waitFor: ${JSON.stringify(join(marks, 'sleeper.1.pid'))} }
  last:
    needs: [flaky, sleeper]
    run: echo "done \${{ tasks.first.outputs.v }}"
`,
    );
    const env = { WEFT_STORE: undefined };
    const crashed = await runCli(['run', 'wf.yaml'], { cwd: dir, env });
    expect(crashed.signal).toBeNull();
    expect(crashed.code, crashed.stderr).toBe(70);
    const { stderr } = crashed;
    expect(stderr).toContain("weft: an exception was thrown that nothing caught (a bug in an executor?); this process's state is unknown, so it stops:\n  Error: boom from a timer\n");
    expect(stderr).toContain(`${join(dir, 'weft.config.mjs')}:`);
    expect(stderr).toMatch(/tasks running in this process at that moment: (flaky \(flaky, attempt 1\), sleeper \(shell, attempt 1\)|sleeper \(shell, attempt 1\), flaky \(flaky, attempt 1\))\n/);
    expect(stderr).toContain(`likely culprit: executor "flaky" from ${join(dir, 'weft.config.mjs')}, the only custom executor that was running (task flaky)`);
    expect(stderr).toContain('killed 1 process it had started');
    const runId = /`weft resume (\S+)` carries on from there \(tasks that ended do not run again\)/.exec(stderr)?.[1];
    expect(runId, stderr).toBeDefined();

    // The shell task that was running did not outlive weft, and the run is free to resume.
    const sleeper = Number(readFileSync(join(marks, 'sleeper.1.pid'), 'utf8'));
    for (let i = 0; i < 100 && isAlive(sleeper); i++) await delay(20);
    expect(isAlive(sleeper)).toBe(false);
    const db = new Database(join(dir, '.weft', 'weft.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT holder FROM leases WHERE run_id = ?').all(runId)).toEqual([]);
    } finally {
      db.close();
    }
    const stored = JSON.parse((await runCli(['show', runId!, '--json'], { cwd: dir, env })).stdout) as RunResult;
    expect(stored.status).toBe('running');
    expect(stored.tasks.first).toMatchObject({ status: 'succeeded', outputs: { v: '1' } });

    const resumed = await runCli(['resume', runId!, '--json'], { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout) as RunResult;
    expect(result.status).toBe('succeeded');
    expect(result.tasks.first).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(result.tasks.flaky).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { attempt: 2 } });
    expect(result.tasks.sleeper).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(result.tasks.last?.outputs).toMatchObject({ stdout: 'done 1' });
    expect(linesOf(join(marks, 'first'))).toEqual(['ran']);
  }, 60_000);
});

describe('a custom executor that throws from a timer, under weft worker', () => {
  it('stops that worker with exit code 70; the coordinator retries the lost attempt on another worker', async () => {
    const { dir, marks } = project('worker');
    const redis = await startRedisServer();
    const config = join(dir, 'weft.config.mjs');
    const workers = [0, 1].map(() => startCli(['worker', '--redis', redis.url, '--config', config, '--lock-duration', '1000'], { cwd: dir }));
    const dispatcher = createQueueDispatcher({ redis: redis.url, onConnection: () => undefined });
    try {
      await Promise.all(workers.map(({ child }) => waitForStderr(child, 'listening on')));
      const engine = new WorkflowEngine({ executors: (await loadConfig(config)).executors, dispatcher });
      const workflow = engine.parse(`name: remote
tasks:
  flaky:
    uses: flaky
    retry: { maxAttempts: 2 }
    with: { marks: ${JSON.stringify(marks)}, waitFor: ${JSON.stringify(marks)} }
`);
      const run = engine.start(workflow, { workdir: dir });
      const events = recordEvents(run);
      const result = await run.result;
      expect(result.tasks.flaky).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { attempt: 2 } });
      expect(events.of('task:retry').map((e) => e.error.code)).toEqual(['WORKER_LOST']);

      const thrownIn = Number(readFileSync(join(marks, 'thrown'), 'utf8'));
      const crashedWorker = workers.find(({ child }) => child.pid === thrownIn);
      expect(crashedWorker, `no worker has pid ${thrownIn}`).toBeDefined();
      const crashed = await crashedWorker!.done;
      expect(crashed.code, crashed.stderr).toBe(70);
      expect(crashed.stderr).toContain('  Error: boom from a timer\n');
      expect(crashed.stderr).toContain(`tasks running in this process at that moment: flaky of run ${run.id} (flaky, attempt 1)`);
      expect(crashed.stderr).toContain(`likely culprit: executor "flaky" from ${config}`);
      expect(crashed.stderr).toContain('each run counts its task\'s attempt as lost (WORKER_LOST) and retries it by the task\'s retry policy');
    } finally {
      for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(workers.map(({ done }) => done));
      await dispatcher.close();
      await redis.stop();
    }
  }, 60_000);
});
