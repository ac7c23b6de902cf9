/**
 * Scale-out with real processes: `weft worker` processes (the built CLI) on a real
 * redis-server, and a coordinator engine in this process. The same workflow gives
 * the same results as in-process; a worker never takes a job of an executor it lacks.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import { jobIdFor, queueName } from '../../src/scale/index.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { fixtureExecutors, marksDir, queueEngine, startWorkers, until, type WorkerProcess } from './helpers/cluster.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();

const workers = (count: number, extra: string[] = []): Promise<WorkerProcess[]> => startWorkers(redis, count, extra);

const queueCoordinator = () => queueEngine(redis);

/** 20 layers of 25 tasks; each adds its two upstreams' sums to its own value. */
function layered(marks: string): string {
  const layers = 20;
  const width = 25;
  const lines = ['name: layered', 'tasks:'];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < width; i++) {
      const up = l === 0 ? [] : [`t${l - 1}_${i}`, `t${l - 1}_${(i + 1) % width}`];
      const needs = up.length ? `needs: [${up.join(', ')}], ` : '';
      const add = up.map((id) => `"\${{ tasks.${id}.outputs.sum }}"`).join(', ');
      lines.push(`  t${l}_${i}: { ${needs}uses: work, with: { ms: ${(l * 7 + i * 3) % 10}, value: ${l + i}, add: [${add}], marks: "${marks}" } }`);
    }
  }
  lines.push('outputs:', `  total: \${{ tasks.t${layers - 1}_0.outputs.sum }}`);
  return lines.join('\n');
}

/** What a user compares between two runs: everything but ids and times. */
function essence(result: RunResult) {
  const tasks = Object.fromEntries(
    Object.entries(result.tasks).map(([id, t]) => [id, { status: t.status, attempts: t.attempts, outputs: t.outputs, error: t.error }]),
  );
  return { status: result.status, outputs: result.outputs, tasks };
}

describe('scale-out over BullMQ', () => {
  it('runs a 500-task workflow over 3 worker processes with the same results as in-process', async () => {
    const pool = await workers(3, ['--concurrency', '4']);
    const engine = await queueCoordinator();
    const remoteMarks = marksDir();
    const localMarks = marksDir();
    redis.defer(remoteMarks.remove);
    redis.defer(localMarks.remove);

    const remote = await engine.run(engine.parse(layered(remoteMarks.dir)));
    const local = new WorkflowEngine({ executors: await fixtureExecutors() });
    const inProcess = await local.run(local.parse(layered(localMarks.dir)));

    expect(remote.status).toBe('succeeded');
    expect(Object.keys(remote.tasks)).toHaveLength(500);
    expect(essence(remote)).toEqual(essence(inProcess));
    const ranIn = new Map<string, number>();
    for (const [, starts] of remoteMarks.all()) {
      expect(starts).toHaveLength(1);
      const pid = starts[0]!.split(' ')[0]!;
      ranIn.set(pid, (ranIn.get(pid) ?? 0) + 1);
    }
    expect([...ranIn.keys()].sort()).toEqual(pool.map((w) => String(w.pid)).sort());
    expect([...ranIn.values()].reduce((a, b) => a + b)).toBe(500);
  });

  it('never lets a worker take a job for an executor it lacks', async () => {
    const [echoOnly] = await workers(1, ['--executors', 'echo']);
    const engine = await queueCoordinator();
    const marks = marksDir();
    redis.defer(marks.remove);
    const workflow = engine.parse(`
name: specialised
tasks:
  hello: { uses: echo, with: { greeting: hi } }
  heavy: { uses: work, with: { value: 5, marks: "${marks.dir}" } }
`);
    const run = engine.start(workflow);
    const client = redis.server.client();
    const heavyJob = `bull:${queueName('work')}:${jobIdFor(run.id, 'heavy', 1)}`;
    await until(() => run.node('hello')?.result.status === 'succeeded', 'the echo task to succeed');
    await until(async () => (await client.exists(heavyJob)) === 1, 'the work job to be queued');
    // The echo-only worker is idle and listening; give it every chance to misbehave.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await client.lrange(`bull:${queueName('work')}:wait`, 0, -1)).toEqual([jobIdFor(run.id, 'heavy', 1)]);
    expect(marks.starts('heavy')).toEqual([]);

    const [general] = await workers(1);
    const result = await run.result;
    expect(result.status).toBe('succeeded');
    expect(marks.starts('heavy').map((line) => line.split(' ')[0])).toEqual([String(general!.pid)]);
    expect(echoOnly!.child.exitCode).toBeNull();
  });
});
