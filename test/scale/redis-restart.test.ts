/**
 * Redis restarted without persistence while a run has jobs in flight: the attempt
 * whose job vanished fails loudly (JOB_LOST), nothing is reported as done that was
 * not; the coordinator and the worker reconnect and the next run succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinator, marksDir, startWorker, until, type WorkerProcess } from './helpers/cluster.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();
let worker: WorkerProcess;

beforeAll(async () => {
  worker = await startWorker(redis.url, ['--concurrency', '2']);
});
afterAll(async () => {
  await worker.stop('SIGKILL');
});

describe('Redis restarted mid-run', () => {
  it('fails the attempts whose jobs are gone with a clear error, then carries on once reconnected', async () => {
    const { engine, dispatcher } = await coordinator(redis.url, { reconcileIntervalMs: 200 });
    const marks = marksDir();
    try {
      const workflow = engine.parse(`
name: outage
tasks:
  before: { uses: work, with: { value: 1 } }
  caught: { needs: before, uses: work, retry: { maxAttempts: 3 }, with: { ms: 1500, value: 2, marks: "${marks.dir}" } }
  after: { needs: caught, uses: work, with: { value: 3 } }
`);
      const run = engine.start(workflow);
      await until(() => marks.starts('caught').length === 1, 'the caught task to start');
      await redis.server.restart();
      const result = await run.result;
      expect(result.status).toBe('failed');
      expect(result.tasks.before?.status).toBe('succeeded');
      expect(result.tasks.caught).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'JOB_LOST', retryable: false } });
      expect(result.tasks.caught?.error?.message).toMatch(/no longer in Redis \(was Redis restarted without persistence/);
      expect(result.tasks.after?.status).toBe('upstream_failed');

      const again = await engine.run(workflow);
      expect(again.status).toBe('succeeded');
      expect(worker.child.exitCode).toBeNull();
    } finally {
      await dispatcher.close();
      marks.remove();
    }
  });
});
