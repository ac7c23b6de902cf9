import { describe, expect, it } from 'vitest';
import { computeInsights, unionLength, type WorkflowGraph } from '../../src/observe/insights.js';
import type { AttemptRecord, Timeline } from '../../src/observe/timeline.js';

function attempt(taskId: string, executor: string, queuedAt: number, startedAt: number, finishedAt: number, extra: Partial<AttemptRecord> = {}): AttemptRecord {
  return { taskId, attempt: 1, executor, queuedAt, startedAt, finishedAt, status: 'succeeded', ...extra };
}

const diamond: WorkflowGraph = {
  tasks: [
    { id: 'a', needs: [] },
    { id: 'b', needs: ['a'] },
    { id: 'c', needs: ['a'] },
    { id: 'd', needs: ['b', 'c'] },
  ],
};

/** a 0–100; b 100–400; c held 50 ms by cpu, 150–250; d fails 400–450, backs off 100, runs 550–650. */
const diamondRun: Timeline = {
  runId: 'r1',
  workflow: 'diamond',
  startedAt: 0,
  finishedAt: 650,
  concurrency: 2,
  attempts: [
    attempt('a', 'shell', 0, 0, 100),
    attempt('b', 'shell', 100, 100, 400),
    attempt('c', 'echo', 100, 150, 250, { heldBy: { cpu: 50 } }),
    attempt('d', 'shell', 400, 400, 450, { status: 'failed', backoffMs: 100 }),
    attempt('d', 'shell', 550, 550, 650, { attempt: 2 }),
  ],
};

describe('computeInsights', () => {
  const insights = computeInsights(diamondRun, diamond);
  const task = (id: string) => insights.tasks.find((t) => t.taskId === id)!;

  it('finds the critical path through the longest chain, retries and back-off included', () => {
    expect(insights.criticalPath).toEqual({ tasks: ['a', 'b', 'd'], ms: 650 });
    expect(task('b').onCriticalPath).toBe(true);
    expect(task('c').onCriticalPath).toBe(false);
  });

  it('splits each task into queue wait, run time and back-off', () => {
    expect(task('c')).toMatchObject({ queueWaitMs: 50, runMs: 100, backoffMs: 0, attempts: 1, heldBy: { cpu: 50 } });
    expect(task('d')).toMatchObject({ queueWaitMs: 0, runMs: 150, backoffMs: 100, attempts: 2, spanMs: 250, status: 'succeeded' });
  });

  it('compares the makespan with max(critical path, total work / concurrency)', () => {
    expect(insights.makespanMs).toBe(650);
    expect(insights.totalWorkMs).toBe(650);
    expect(insights.lowerBoundMs).toBe(650);
    expect(insights.efficiency).toBe(1);
    expect(insights.peakRunning).toBe(2);
  });

  it('says which limit held tasks back, for how long and how saturated it was', () => {
    expect(insights.limits).toEqual([{ name: 'cpu', attemptsHeld: 1, totalHeldMs: 50, longestHeldMs: 50, saturatedMs: 50, saturation: 50 / 650 }]);
  });

  it('ranks executors by mean run time and counts what retries cost', () => {
    expect(insights.executors.map((e) => [e.executor, e.meanRunMs, e.failures])).toEqual([
      ['shell', 137.5, 1],
      ['echo', 100, 0],
    ]);
    expect(insights.retries).toEqual({ retriedTasks: 1, extraAttempts: 1, wastedRunMs: 50, backoffMs: 100, costMs: 150 });
  });

  it('bounds a run below by total work over concurrency when tasks are independent', () => {
    const graph: WorkflowGraph = { tasks: ['p', 'q', 'r', 's'].map((id) => ({ id, needs: [] })) };
    const serial: Timeline = {
      runId: 'r2',
      workflow: 'wide',
      startedAt: 0,
      finishedAt: 500,
      concurrency: 1,
      attempts: ['p', 'q', 'r', 's'].map((id, i) => attempt(id, 'shell', 0, i * 100, i * 100 + 100, { heldBy: i === 0 ? undefined : { concurrency: i * 100 } })),
    };
    const result = computeInsights(serial, graph);
    expect(result.criticalPath.ms).toBe(100);
    expect(result.lowerBoundMs).toBe(400);
    expect(result.efficiency).toBe(0.8);
    expect(result.limits[0]).toMatchObject({ name: 'concurrency', attemptsHeld: 3, totalHeldMs: 600, longestHeldMs: 300, saturatedMs: 300 });
  });

  it('uses the critical path alone as the bound when nothing caps concurrency', () => {
    const { concurrency: _cap, ...uncapped } = diamondRun;
    const result = computeInsights(uncapped, diamond);
    expect(result.concurrency).toBeUndefined();
    expect(result.lowerBoundMs).toBe(650);
  });

  it('routes the critical path through the slowest forEach instance', () => {
    const graph: WorkflowGraph = {
      tasks: [
        { id: 'a', needs: [] },
        { id: 'fan', needs: ['a'] },
        { id: 'z', needs: ['fan'] },
      ],
    };
    const run: Timeline = {
      runId: 'r3',
      workflow: 'fan',
      startedAt: 0,
      finishedAt: 420,
      attempts: [
        attempt('a', 'echo', 0, 0, 10),
        attempt('fan[0]', 'shell', 10, 10, 110),
        attempt('fan[1]', 'shell', 10, 10, 310),
        attempt('z', 'echo', 310, 310, 420),
      ],
    };
    expect(computeInsights(run, graph).criticalPath).toEqual({ tasks: ['a', 'fan[1]', 'z'], ms: 420 });
  });

  it('keeps an upstream task that took no time on the path', () => {
    const run: Timeline = {
      ...diamondRun,
      attempts: [attempt('a', 'echo', 0, 0, 0), attempt('b', 'shell', 0, 0, 300), attempt('c', 'shell', 0, 0, 100), attempt('d', 'echo', 300, 300, 300)],
    };
    expect(computeInsights(run, diamond).criticalPath).toEqual({ tasks: ['a', 'b', 'd'], ms: 300 });
  });

  it('leaves tasks that never ran out of the path', () => {
    const run: Timeline = { ...diamondRun, attempts: diamondRun.attempts.filter((a) => a.taskId !== 'd') };
    expect(computeInsights(run, diamond).criticalPath.tasks).toEqual(['a', 'b']);
  });
});

describe('unionLength', () => {
  it('counts overlapping time once', () => {
    expect(unionLength([[0, 100], [50, 150], [200, 210], [205, 208]])).toBe(160);
    expect(unionLength([])).toBe(0);
  });
});
