import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { defineExecutor } from '../../src/engine/executor.js';
import { engineWith, recordEvents } from '../helpers/engine.js';

/** A service that fails while `down` is true, counting real calls. */
function service(options: { circuitBreaker?: { failureThreshold?: number; resetAfter?: string | number } } = {}) {
  const state = { down: true, calls: [] as string[] };
  const executor = defineExecutor({
    name: 'unstable',
    ...options,
    execute(_input, ctx) {
      state.calls.push(ctx.taskId);
      if (state.down) throw new TaskError('UPSTREAM_DOWN', 'service unavailable');
      return { ok: true };
    },
  });
  return { state, executor };
}

describe('circuit breaker', () => {
  it('opens after consecutive failures, fails fast while open, and closes after a good probe', async () => {
    const { state, executor } = service({ circuitBreaker: { failureThreshold: 2, resetAfter: '80ms' } });
    const engine = engineWith([executor]);
    const changes: string[] = [];
    engine.circuits.on('circuit:change', (change) => {
      changes.push(`${change.executor}:${change.state}`);
      if (change.state === 'open') state.down = false;
    });
    const wf = engine.parse(`
name: breaker
tasks:
  a: { uses: unstable }
  b: { needs: a, trigger: all_done, uses: unstable }
  c: { needs: b, trigger: all_done, uses: unstable }
  d: { needs: c, trigger: all_done, uses: unstable, retry: { maxAttempts: 2 } }
`);
    const run = engine.start(wf);
    const events = recordEvents(run);
    const result = await run.result;
    expect(result.tasks.a?.error?.code).toBe('UPSTREAM_DOWN');
    expect(result.tasks.b?.error?.code).toBe('UPSTREAM_DOWN');
    expect(result.tasks.c).toMatchObject({ status: 'failed', error: { code: 'CIRCUIT_OPEN' } });
    expect(result.tasks.d).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(state.calls).toEqual(['a', 'b', 'd']);
    expect(changes).toEqual(['unstable:open', 'unstable:half_open', 'unstable:closed']);
    const retry = events.of('task:retry').find((e) => e.taskId === 'd');
    expect(retry?.error.code).toBe('CIRCUIT_OPEN');
    expect(retry?.delayMs).toBeGreaterThan(0);
    expect(retry?.delayMs).toBeLessThanOrEqual(80);
    expect(engine.circuits.state('unstable')).toBe('closed');
  });

  it('is off unless configured, and a workflow can turn it on for an executor', async () => {
    const { state, executor } = service();
    const engine = engineWith([executor]);
    const tasks = 'tasks:\n  a: { uses: unstable }\n  b: { needs: a, trigger: all_done, uses: unstable }\n';
    await engine.run(engine.parse(`name: plain\n${tasks}`));
    expect(state.calls).toEqual(['a', 'b']);
    const guarded = await engine.run(engine.parse(`name: guarded\ncircuitBreakers:\n  unstable: { failureThreshold: 1, resetAfter: 1m }\n${tasks}`));
    expect(guarded.tasks.b?.error?.code).toBe('CIRCUIT_OPEN');
    expect(state.calls).toEqual(['a', 'b', 'a']);
  });

  it('rejects breaker settings for an executor that does not exist', () => {
    const engine = engineWith();
    expect(() => engine.parse('name: x\ncircuitBreakers:\n  analyser: { failureThreshold: 2 }\ntasks:\n  a: { uses: echo }\n', 'x.yaml')).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ line: 3, path: 'circuitBreakers.analyser', message: expect.stringContaining('did you mean `analyzer`') })] }),
    );
  });
});

describe('fallback', () => {
  it('runs the fallback once the task has failed after its retries, and records it', async () => {
    const { state, executor } = service();
    const engine = engineWith([executor]);
    const wf = engine.parse(`
name: degrade
tasks:
  analyze:
    uses: unstable
    retry: { maxAttempts: 2 }
    fallback: { uses: echo, with: { category: unknown, degraded: true } }
  next: { needs: analyze, uses: echo, with: { category: "\${{ tasks.analyze.outputs.category }}" } }
`);
    const run = engine.start(wf);
    const events = recordEvents(run);
    const result = await run.result;
    expect(state.calls).toEqual(['analyze', 'analyze']);
    expect(result.status).toBe('succeeded');
    expect(result.tasks.analyze).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      outputs: { category: 'unknown', degraded: true },
      fallback: { uses: 'echo', fromAttempt: 3, primaryError: { code: 'UPSTREAM_DOWN' } },
    });
    expect(result.tasks.next?.outputs).toEqual({ category: 'unknown' });
    expect(events.of('task:retry').map((e) => e.fallback)).toEqual([undefined, 'echo']);
  });

  it('fails the task when the fallback fails too', async () => {
    const { executor } = service();
    const engine = engineWith([executor, { name: 'broken', execute: () => Promise.reject(new Error('also down')) }]);
    const result = await engine.run(engine.parse('name: x\ntasks:\n  a: { uses: unstable, fallback: { uses: broken } }\n'));
    expect(result.tasks.a).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'EXECUTOR_ERROR', message: 'also down' } });
    expect(result.tasks.a?.fallback?.primaryError.code).toBe('UPSTREAM_DOWN');
  });
});

describe('circuit breakers keyed by service', () => {
  it('keep one circuit per endpoint, and none for attempts that call no service', async () => {
    const calls: string[] = [];
    const client = defineExecutor({
      name: 'client',
      circuitBreaker: { failureThreshold: 1, resetAfter: '1m' },
      circuitKey: (input: { endpoint?: string }) => input.endpoint,
      execute(input: { endpoint?: string }, ctx) {
        calls.push(ctx.taskId);
        if (input.endpoint === 'https://down.example') throw new TaskError('UPSTREAM_DOWN', 'down');
        return {};
      },
    });
    const engine = engineWith([client]);
    const changes: string[] = [];
    engine.circuits.on('circuit:change', (c) => changes.push(`${c.executor}:${c.state}`));
    const result = await engine.run(
      engine.parse(`
name: keyed
tasks:
  a: { uses: client, with: { endpoint: "https://down.example" } }
  b: { needs: a, trigger: all_done, uses: client, with: { endpoint: "https://down.example" } }
  c: { needs: b, trigger: all_done, uses: client, with: { endpoint: "https://up.example" } }
  d: { needs: c, trigger: all_done, uses: client }
`),
    );
    expect(result.tasks.b?.error?.code).toBe('CIRCUIT_OPEN');
    expect(result.tasks.c?.status).toBe('succeeded');
    expect(result.tasks.d?.status).toBe('succeeded');
    expect(calls).toEqual(['a', 'c', 'd']);
    expect(changes).toEqual(['client https://down.example:open']);
    expect(engine.circuits.state('client https://down.example')).toBe('open');
    expect(engine.circuits.state('client https://up.example')).toBe('closed');
  });
});
