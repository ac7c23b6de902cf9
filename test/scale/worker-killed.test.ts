/**
 * A `weft worker` process killed with SIGKILL mid-task: BullMQ's stalled-job check
 * (run by the surviving workers) fails the job, the coordinator counts the attempt
 * as lost (WORKER_LOST) and retries it under the task's policy on another worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordEvents } from '../helpers/engine.js';
import { marksDir, queueEngine, startWorkers, until, type WorkerProcess } from './helpers/cluster.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();

/** Workers that notice a dead one within seconds (the default is 30 s). */
const workers = (count: number, extra: string[] = []): Promise<WorkerProcess[]> => startWorkers(redis, count, ['--lock-duration', '2000', ...extra]);

const queueCoordinator = () => queueEngine(redis);

describe('a worker killed mid-task', () => {
  it('costs one attempt, retried on another worker; the task ends once', async () => {
    await workers(3, ['--concurrency', '2']);
    const engine = await queueCoordinator();
    const marks = marksDir();
    redis.defer(marks.remove);
    const workflow = engine.parse(`
name: survivor
tasks:
  victim: { uses: work, retry: { maxAttempts: 3 }, with: { ms: 2000, value: 1, marks: "${marks.dir}" } }
  after: { needs: victim, uses: work, with: { value: 2, add: ["\${{ tasks.victim.outputs.sum }}"], marks: "${marks.dir}" } }
outputs:
  sum: \${{ tasks.after.outputs.sum }}
`);
    const run = engine.start(workflow);
    const events = recordEvents(run);
    const pidFile = path.join(marks.dir, 'victim.pid');
    await until(() => existsSync(pidFile), 'the victim to start');
    const victimPid = Number(readFileSync(pidFile, 'utf8'));
    process.kill(victimPid, 'SIGKILL');

    const result = await run.result;
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ sum: 3 });
    expect(result.tasks.victim).toMatchObject({ status: 'succeeded', attempts: 2 });
    const retries = events.of('task:retry').filter((e) => e.taskId === 'victim');
    expect(retries.map((e) => e.error.code)).toEqual(['WORKER_LOST']);
    const starts = marks.starts('victim');
    expect(starts).toHaveLength(2);
    expect(starts[1]!.split(' ')[0]).not.toBe(String(victimPid));
    const finishes = events.of('task:finish').map((e) => e.taskId);
    expect(finishes.sort()).toEqual(['after', 'victim']);
  });
});
