import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { defineExecutor } from '../../src/engine/executor.js';
import { computeInsights } from '../../src/observe/insights.js';
import { TimelineRecorder } from '../../src/observe/timeline.js';
import { concurrencyProbe, engineWith } from '../helpers/engine.js';

const flaky = defineExecutor({
  name: 'flaky',
  execute(_input, ctx) {
    if (ctx.attempt === 1) throw new TaskError('FLAKY', 'not yet');
    return { attempt: ctx.attempt };
  },
});

describe('TimelineRecorder', () => {
  it('records one entry per attempt, with back-off, limits held and executors', async () => {
    const gpu = concurrencyProbe('gpu-job', 30);
    const engine = engineWith([flaky, gpu.executor]);
    const workflow = engine.parse(`
name: observed
resources: { gpu: 1 }
tasks:
  first: { uses: flaky, retry: { maxAttempts: 3, delay: 40ms } }
  train:
    forEach: [a, b]
    needs: first
    uses: gpu-job
    resources: { gpu: 1 }
  done: { needs: train, uses: echo, with: { ok: true } }
`);
    const run = engine.start(workflow);
    const recorder = new TimelineRecorder(workflow).attach(run);
    const result = await run.result;
    expect(result.status).toBe('succeeded');

    const { timeline } = recorder;
    expect(timeline.runId).toBe(run.id);
    expect(timeline.status).toBe('succeeded');
    expect(timeline.attempts.map((a) => `${a.taskId}#${a.attempt} ${a.status}`)).toEqual([
      'first#1 failed',
      'first#2 succeeded',
      'train[0]#1 succeeded',
      'train[1]#1 succeeded',
      'done#1 succeeded',
    ]);
    const [failed, retried] = timeline.attempts;
    expect(failed).toMatchObject({ executor: 'flaky', backoffMs: 40, error: { code: 'FLAKY' } });
    expect(retried!.queuedAt - failed!.finishedAt!).toBeGreaterThanOrEqual(35);
    const held = timeline.attempts.filter((a) => a.heldBy?.gpu !== undefined);
    expect(held).toHaveLength(1);
    expect(held[0]!.heldBy!.gpu).toBeGreaterThanOrEqual(20);
    expect(timeline.attempts.find((a) => a.taskId === 'train[0]')!.executor).toBe('gpu-job');

    const insights = computeInsights(timeline, workflow);
    expect(insights.criticalPath.tasks[0]).toBe('first');
    expect(insights.criticalPath.tasks.at(-1)).toBe('done');
    expect(insights.limits.map((l) => l.name)).toEqual(['gpu']);
    expect(insights.retries.extraAttempts).toBe(1);
  });

  it('closes the attempt of a task left waiting for approval', async () => {
    const engine = engineWith();
    const workflow = engine.parse(`
name: gated
tasks:
  gate: { uses: approval }
`);
    const run = engine.start(workflow);
    const recorder = new TimelineRecorder(workflow).attach(run);
    expect((await run.result).status).toBe('waiting');
    expect(recorder.timeline.attempts).toMatchObject([{ taskId: 'gate', status: 'waiting', executor: 'approval' }]);
  });
});
