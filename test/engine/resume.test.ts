import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../src/engine/store/index.js';
import { defineExecutor } from '../../src/engine/executor.js';
import { engineWith, sleep } from '../helpers/engine.js';

/** Counts calls per task id; `slow` tasks take a while so a run can be stopped mid-way. */
function counter() {
  const calls = new Map<string, number>();
  return {
    calls,
    executor: defineExecutor({
      name: 'count',
      async execute(input: { slow?: boolean }, ctx) {
        calls.set(ctx.taskId, (calls.get(ctx.taskId) ?? 0) + 1);
        if (input.slow) await sleep(200);
        if (ctx.signal.aborted) throw ctx.signal.reason;
        return { attempt: ctx.attempt };
      },
    }),
  };
}

const workflow = `
name: resumable
tasks:
  first: { uses: count }
  fan: { needs: first, forEach: [1, 2], uses: count, with: { n: "\${{ item }}" } }
  slow: { needs: first, uses: count, with: { slow: true } }
  last: { needs: [fan, slow], uses: count }
outputs:
  first: \${{ tasks.first.outputs.attempt }}
`;

describe('resume', () => {
  it('carries on with an interrupted run: ended tasks keep their results and never run again', async () => {
    const store = new MemoryRunStore();
    const a = counter();
    const engineA = engineWith([a.executor], { store });
    const run = engineA.start(engineA.parse(workflow, 'resumable.yaml'));
    run.on('task:start', (e) => e.taskId === 'slow' && setTimeout(() => run.cancel(), 20));
    const interrupted = await run.result;
    expect(interrupted.status).toBe('cancelled');
    expect(interrupted.tasks.first?.status).toBe('succeeded');
    expect(interrupted.tasks.slow).toMatchObject({ status: 'cancelled', attempts: 1 });

    const b = counter();
    const engineB = engineWith([b.executor], { store });
    const resumed = await engineB.resume(run.id).result;
    expect(resumed.status).toBe('succeeded');
    expect(resumed.runId).toBe(run.id);
    expect(b.calls.get('first')).toBeUndefined();
    expect(resumed.tasks.slow).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { attempt: 2 } });
    expect(resumed.tasks.last?.status).toBe('succeeded');
    expect(resumed.tasks['fan[1]']?.status).toBe('succeeded');
    expect(resumed.outputs).toEqual({ first: 1 });
    expect(store.getRun(run.id)?.status).toBe('succeeded');
    expect(engineB.runs.get(run.id)?.tasks.slow?.attempts).toBe(2);
    expect(engineB.runs.list({ workflow: 'resumable' }).map((r) => r.runId)).toEqual([run.id]);
    expect(engineB.runs.list({ status: 'failed' })).toEqual([]);
  });

  it('refuses to resume a run another engine is driving, and a finished run', async () => {
    const store = new MemoryRunStore();
    const engineA = engineWith([counter().executor], { store });
    const run = engineA.start(engineA.parse(workflow));
    await sleep(10);
    const engineB = engineWith([counter().executor], { store });
    expect(() => engineB.resume(run.id)).toThrow(expect.objectContaining({ code: 'RUN_LOCKED' }));
    await run.result;
    expect(() => engineB.resume(run.id)).toThrow(expect.objectContaining({ code: 'RUN_NOT_RESUMABLE' }));
    expect(() => engineB.resume('nope')).toThrow(expect.objectContaining({ code: 'RUN_NOT_RESUMABLE' }));
  });
});

describe('approval', () => {
  const gated = `
name: gated
tasks:
  build: { uses: echo, with: { artifact: a.tgz } }
  gate: { needs: build, uses: approval, with: { message: "Ship it?" } }
  side: { needs: build, uses: echo }
  ship: { needs: gate, uses: echo, with: { by: "\${{ tasks.gate.outputs.by }}" } }
  on_reject: { needs: gate, trigger: all_failed, uses: echo }
`;

  it('waits for a person while everything else runs, then continues once approved', async () => {
    const store = new MemoryRunStore();
    const engine = engineWith([], { store });
    const first = await engine.run(engine.parse(gated));
    expect(first.status).toBe('waiting');
    expect(first.tasks.gate?.status).toBe('waiting');
    expect(first.tasks.side?.status).toBe('succeeded');
    expect(first.tasks.ship?.status).toBe('pending');
    expect(store.getRun(first.runId)?.status).toBe('waiting');

    expect(() => engine.approve(first.runId, 'side')).toThrow(expect.objectContaining({ code: 'APPROVAL_INVALID' }));
    engine.approve(first.runId, 'gate', { by: 'ada', comment: 'lgtm' });
    const done = await engine.resume(first.runId).result;
    expect(done.status).toBe('succeeded');
    expect(done.tasks.gate?.outputs).toMatchObject({ approved: true, by: 'ada', comment: 'lgtm', message: 'Ship it?' });
    expect(done.tasks.ship?.outputs).toEqual({ by: 'ada' });
    expect(done.tasks.on_reject?.status).toBe('skipped');
  });

  it('routes a rejection through trigger rules', async () => {
    const engine = engineWith();
    const first = await engine.run(engine.parse(gated));
    engine.reject(first.runId, 'gate', { by: 'bob', comment: 'not today' });
    const done = await engine.resume(first.runId).result;
    expect(done.tasks.gate).toMatchObject({ status: 'failed', error: { code: 'REJECTED', message: 'rejected by bob: not today' } });
    expect(done.tasks.gate?.approval).toMatchObject({ approved: false, by: 'bob' });
    expect(done.tasks.ship?.status).toBe('upstream_failed');
    expect(done.tasks.on_reject?.status).toBe('succeeded');
    expect(done.status).toBe('failed');
  });
});
