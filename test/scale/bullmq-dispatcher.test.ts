/**
 * The coordinator's dispatcher against a real Redis, with a worker in this process:
 * results, errors, logs and large outputs come back as they would in-process;
 * timeouts and cancellation reach the executor; an attempt is never run twice.
 */
import { describe, expect, it } from 'vitest';
import type { AttemptCall } from '../../src/engine/attempt.js';
import { TaskError } from '../../src/engine/errors.js';
import { defineExecutor, type TaskContext } from '../../src/engine/executor.js';
import { MemoryRunStore } from '../../src/engine/store/index.js';
import { createQueueDispatcher, jobIdFor, queueName, runWorker, type RunningWorker } from '../../src/scale/index.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { fixtureExecutors, marksDir, until } from './helpers/cluster.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();

const quiet = () => undefined;

const strict = defineExecutor({
  name: 'strict',
  execute() {
    throw new TaskError('STRICT', 'no, and do not ask again', { retryable: false, exitCode: 3, details: { why: 'because' } });
  },
});

async function setup(workerOptions: Partial<Parameters<typeof runWorker>[0]> = {}) {
  const executors = [...(await fixtureExecutors()), strict];
  const worker = await runWorker({ redis: redis.url, executors, concurrency: 4, onConnection: quiet, ...workerOptions });
  const dispatcher = createQueueDispatcher({ redis: redis.url, onConnection: quiet });
  redis.defer(() => worker.close(true));
  redis.defer(() => dispatcher.close());
  const store = new MemoryRunStore();
  const engine = new WorkflowEngine({ executors, dispatcher, store });
  return { engine, dispatcher, worker, store };
}

describe('QueueDispatcher', () => {
  it('brings outputs, errors and every log line back, in order', async () => {
    const { engine, store } = await setup();
    const workflow = engine.parse(`
name: round-trip
tasks:
  talk: { uses: chatty, with: { lines: 40 } }
  sum: { needs: talk, uses: work, with: { value: 2, add: ["\${{ tasks.talk.outputs.lines }}", 1] } }
  picky: { uses: picky }
  strict: { uses: strict, retry: { maxAttempts: 3 } }
outputs:
  sum: \${{ tasks.sum.outputs.sum }}
`);
    const result = await engine.run(workflow);
    expect(result.outputs).toEqual({ sum: 43 });
    expect(result.tasks.picky?.error).toMatchObject({ code: 'EXECUTOR_ERROR', message: 'the input is not to my taste', details: { cause: 'PICKY' } });
    expect(result.tasks.strict).toMatchObject({ status: 'failed', attempts: 1 });
    expect(result.tasks.strict?.error).toEqual({ code: 'STRICT', message: 'no, and do not ask again', retryable: false, exitCode: 3, details: { why: 'because' } });
    const logs = store.readLogs(result.runId, { taskId: 'talk' });
    expect(logs.map((l) => l.line)).toEqual([...Array.from({ length: 40 }, (_, i) => `line ${i}`), 'done with 40 lines']);
    expect(logs[1]).toMatchObject({ stream: 'stderr', attempt: 1 });
  });

  it('passes large outputs by reference and refuses outputs over the limit with a clear error', async () => {
    const { engine } = await setup({ inlineOutputBytes: 1024, maxOutputBytes: 64 * 1024 });
    const workflow = engine.parse(`
name: sizes
tasks:
  fits: { uses: big, with: { bytes: 30000 } }
  huge: { uses: big, with: { bytes: 100000 } }
`);
    const result = await engine.run(workflow);
    expect((result.tasks.fits?.outputs as { text: string }).text).toHaveLength(30000);
    expect(result.tasks.huge).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'OUTPUT_TOO_LARGE', retryable: false } });
    expect(result.tasks.huge?.error?.message).toMatch(/97\.7 KiB of outputs, more than the 64\.0 KiB .*--max-output-bytes/);
  });

  it('stops the executor on the worker when the attempt times out, then retries', async () => {
    const { engine } = await setup();
    const marks = marksDir();
    const workflow = engine.parse(`
name: timeouts
tasks:
  slow: { uses: work, timeout: 300ms, retry: { maxAttempts: 2 }, with: { ms: 20000, marks: "${marks.dir}" } }
`);
    const result = await engine.run(workflow);
    expect(result.tasks.slow).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'TIMEOUT' } });
    expect(marks.aborted('slow')).toHaveLength(2);
    marks.remove();
  });

  it('cancels a run: running jobs are aborted on the worker, waiting jobs are removed from the queue', async () => {
    const { engine } = await setup({ executors: await fixtureExecutors(), only: ['work'], concurrency: 1 });
    const marks = marksDir();
    const workflow = engine.parse(`
name: cancelled
tasks:
  first: { uses: work, with: { ms: 20000, marks: "${marks.dir}" } }
  second: { uses: work, with: { ms: 20000, marks: "${marks.dir}" } }
`);
    const run = engine.start(workflow);
    await until(() => marks.starts('first').length + marks.starts('second').length === 1, 'one task to start');
    const waiting = marks.starts('first').length === 1 ? 'second' : 'first';
    const client = redis.server.client();
    const queue = `bull:${queueName('work')}`;
    const waitingId = jobIdFor(run.id, waiting, 1);
    await until(async () => (await client.exists(`${queue}:${waitingId}`)) === 1, 'the second job to be queued');
    run.cancel();
    const result = await run.result;
    expect(result.status).toBe('cancelled');
    expect(marks.aborted(waiting === 'first' ? 'second' : 'first')).toHaveLength(1);
    expect(marks.starts(waiting)).toEqual([]);
    expect(await client.exists(`${queue}:${waitingId}`)).toBe(0);
    marks.remove();
  });

  it('never runs an attempt twice: the same attempt dispatched again, or by a new coordinator, gets the first result', async () => {
    const executors = await fixtureExecutors();
    const work = executors.find((e) => e.name === 'work')!;
    const worker: RunningWorker = await runWorker({ redis: redis.url, executors, onConnection: quiet });
    redis.defer(() => worker.close(true));
    const marks = marksDir();
    const call = (attempt: number): AttemptCall => {
      const controller = new AbortController();
      const ctx: TaskContext = {
        runId: 'run:1',
        taskId: 'job[0]',
        attempt,
        signal: controller.signal,
        workdir: process.cwd(),
        idempotencyKey: 'run:1/job[0]',
        env: {},
        workflow: 'direct',
        startedAt: new Date().toISOString(),
        log: () => undefined,
        logStream: () => undefined,
      };
      return { executor: work, input: { ms: 300, value: 7, marks: marks.dir }, ctx, controller, abandonGraceMs: 1000 };
    };
    const first = createQueueDispatcher({ redis: redis.url, onConnection: quiet });
    const [a, b] = await Promise.all([first.dispatch(call(1)), first.dispatch(call(1))]);
    await first.close();
    // A coordinator that died during attempt 1 resumes with attempt 2: it takes attempt 1's result.
    const second = createQueueDispatcher({ redis: redis.url, onConnection: quiet });
    redis.defer(() => second.close());
    const c = await second.dispatch(call(2));
    expect([a, b, c]).toEqual([{ value: 7, sum: 7 }, { value: 7, sum: 7 }, { value: 7, sum: 7 }]);
    expect(marks.starts('job[0]')).toHaveLength(1);
    expect(jobIdFor('run:1', 'job[0]', 1)).toBe('run%3A1.job%5B0%5D.1');
    marks.remove();
  });
});
