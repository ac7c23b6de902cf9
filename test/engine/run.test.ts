import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { defineExecutor } from '../../src/engine/executor.js';
import { concurrencyProbe, engineWith, recordEvents, sleep } from '../helpers/engine.js';

/** Fails the first `failures` attempts of each task, then succeeds. */
function flaky(failures: number, error = () => new TaskError('FLAKY', 'not yet')) {
  const attempts: { taskId: string; attempt: number; key: string }[] = [];
  return {
    attempts,
    executor: defineExecutor({
      name: 'flaky',
      execute(_input, ctx) {
        attempts.push({ taskId: ctx.taskId, attempt: ctx.attempt, key: ctx.idempotencyKey });
        if (ctx.attempt <= failures) throw error();
        return { attempt: ctx.attempt };
      },
    }),
  };
}

describe('a run', () => {
  it('runs a diamond in dependency order and passes outputs through expressions', async () => {
    const engine = engineWith();
    const wf = engine.parse(`
name: diamond
inputs:
  who: { type: string, default: world }
tasks:
  a: { uses: echo, with: { greeting: "hello \${{ inputs.who }}" } }
  b: { needs: a, uses: echo, with: { from_a: "\${{ tasks.a.outputs.greeting }}" } }
  c: { needs: a, uses: echo, with: { n: 3 } }
  d: { needs: [b, c], uses: echo, with: { both: "\${{ tasks.b.outputs.from_a }}/\${{ tasks.c.outputs.n }}", typed: "\${{ tasks.c.outputs.n }}" } }
outputs:
  final: \${{ tasks.d.outputs }}
`);
    const run = engine.start(wf);
    const events = recordEvents(run);
    const result = await run.result;
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ final: { both: 'hello world/3', typed: 3 } });
    const starts = events.of('task:start').map((e) => e.taskId);
    expect(starts[0]).toBe('a');
    expect(starts[3]).toBe('d');
    for (const e of events.of('task:finish')) expect(e.runId).toBe(run.id);
  });

  it('fans out with forEach and aggregates instance outputs in order', async () => {
    const engine = engineWith();
    const wf = engine.parse(`
name: fan
inputs:
  items: { type: array, default: [x, y, z] }
tasks:
  build:
    forEach: \${{ inputs.items }}
    uses: echo
    with: { name: "pkg-\${{ item }}", index: "\${{ index }}" }
  after: { needs: build, uses: echo, with: { all: "\${{ tasks.build.outputs }}" } }
`);
    const result = await engine.run(wf);
    expect(result.status).toBe('succeeded');
    expect(result.tasks['build[1]']).toMatchObject({ status: 'succeeded', outputs: { name: 'pkg-y', index: 1 } });
    expect(result.tasks.build?.outputs).toEqual([
      { name: 'pkg-x', index: 0 },
      { name: 'pkg-y', index: 1 },
      { name: 'pkg-z', index: 2 },
    ]);
    expect(result.tasks.after?.outputs).toEqual({ all: result.tasks.build?.outputs });
  });

  it('retries under the policy with a stable idempotency key, and reports each retry', async () => {
    const probe = flaky(2);
    const engine = engineWith([probe.executor]);
    const wf = engine.parse(`
name: retries
tasks:
  t: { uses: flaky, retry: { maxAttempts: 3, delay: 10ms, backoff: exponential } }
`);
    const run = engine.start(wf);
    const events = recordEvents(run);
    const result = await run.result;
    expect(result.status).toBe('succeeded');
    expect(result.tasks.t).toMatchObject({ attempts: 3, outputs: { attempt: 3 } });
    expect(probe.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(new Set(probe.attempts.map((a) => a.key))).toEqual(new Set([`${run.id}/t`]));
    expect(events.of('task:retry').map((e) => [e.attempt, e.delayMs, e.error.code])).toEqual([
      [1, 10, 'FLAKY'],
      [2, 20, 'FLAKY'],
    ]);
  });

  it('fails after maxAttempts and does not retry errors marked retryable:false', async () => {
    const always = flaky(99);
    const fatal = flaky(99, () => new TaskError('FATAL', 'no point', { retryable: false }));
    const engine = engineWith([always.executor, { ...fatal.executor, name: 'fatal' }]);
    const wf = engine.parse(`
name: give-up
defaults: { retry: { maxAttempts: 2 } }
tasks:
  a: { uses: flaky }
  b: { uses: fatal }
`);
    const result = await engine.run(wf);
    expect(result.status).toBe('failed');
    expect(result.tasks.a).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'FLAKY' } });
    expect(result.tasks.b).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'FATAL' } });
  });

  it('times out an attempt with TIMEOUT, abandons an executor that ignores its signal, and discards its late result', async () => {
    let lateResults = 0;
    const stubborn = defineExecutor({
      name: 'stubborn',
      async execute() {
        await sleep(300);
        lateResults++;
        return { late: true };
      },
    });
    const engine = engineWith([stubborn], { abandonGraceMs: 20 });
    const wf = engine.parse(`
name: slow
tasks:
  t: { uses: stubborn, timeout: 30ms, retry: { maxAttempts: 2 } }
`);
    const started = Date.now();
    const result = await engine.run(wf);
    expect(Date.now() - started).toBeLessThan(280);
    expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'TIMEOUT' } });
    await sleep(350);
    expect(lateResults).toBe(2);
    expect(result.tasks.t?.outputs).toBeUndefined();
  });

  it('applies trigger rules: upstream_failed, skipped, all_done, and continueOnError', async () => {
    const boom = defineExecutor({
      name: 'boom',
      execute() {
        throw new Error('kaput');
      },
    });
    const engine = engineWith([boom]);
    const wf = engine.parse(`
name: rules
tasks:
  bad: { uses: boom }
  tolerated: { uses: boom, continueOnError: true }
  after_bad: { needs: bad, uses: echo }
  after_after: { needs: after_bad, uses: echo }
  cleanup: { needs: [bad, after_bad], trigger: all_done, uses: echo, with: { s: "\${{ tasks.bad.status }}" } }
  after_tolerated: { needs: tolerated, uses: echo }
  maybe: { if: "false", uses: echo }
  after_maybe: { needs: maybe, uses: echo }
  on_failure: { needs: bad, trigger: one_failed, uses: echo }
`);
    const result = await engine.run(wf);
    const status = (id: string) => result.tasks[id]?.status;
    expect(status('bad')).toBe('failed');
    expect(result.tasks.bad?.error).toMatchObject({ code: 'EXECUTOR_ERROR', message: 'kaput' });
    expect(status('after_bad')).toBe('upstream_failed');
    expect(status('after_after')).toBe('upstream_failed');
    expect(status('cleanup')).toBe('succeeded');
    expect(result.tasks.cleanup?.outputs).toEqual({ s: 'failed' });
    expect(status('tolerated')).toBe('failed');
    expect(status('after_tolerated')).toBe('succeeded');
    expect(status('maybe')).toBe('skipped');
    expect(result.tasks.maybe?.skipReason).toMatch(/if/);
    expect(status('after_maybe')).toBe('skipped');
    expect(status('on_failure')).toBe('succeeded');
    expect(result.status).toBe('failed');
  });

  it('succeeds when the only failures are tolerated', async () => {
    const engine = engineWith([{ name: 'boom', execute: () => Promise.reject(new Error('x')) }]);
    const wf = engine.parse('name: ok\ntasks:\n  t: { uses: boom, continueOnError: true }\n');
    expect((await engine.run(wf)).status).toBe('succeeded');
  });

  it('with failFast, cancels running and pending tasks after the first failure', async () => {
    const engine = engineWith([{ name: 'boom', execute: () => sleep(20).then(() => Promise.reject(new Error('x'))) }]);
    const wf = engine.parse(`
name: fast
failFast: true
tasks:
  slow: { run: "sleep 20" }
  bad: { uses: boom }
  later: { needs: slow, uses: echo }
`);
    const started = Date.now();
    const result = await engine.run(wf);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.status).toBe('failed');
    expect(result.tasks.slow).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(result.tasks.later?.status).toBe('cancelled');
  });

  it('fails an attempt whose result throws when asked whether it is a promise', async () => {
    const trap = defineExecutor({
      name: 'trap',
      execute: () => ({
        get then(): never {
          throw new TaskError('TRAPPED', 'then was read');
        },
      }),
    });
    const engine = engineWith([trap]);
    const result = await engine.run(engine.parse('name: t\ntasks:\n  a: { uses: trap, retry: { maxAttempts: 1 } }\n  b: { uses: echo, needs: a }\n'));
    expect(result.tasks.a).toMatchObject({ status: 'failed', error: { code: 'TRAPPED' } });
    expect(result.tasks.b?.status).toBe('upstream_failed');
  });

  it('does not start a task whose queued event cancelled the run', async () => {
    const calls: string[] = [];
    const engine = engineWith([defineExecutor({ name: 'count', execute: (_input, ctx) => void calls.push(ctx.taskId) })]);
    const run = engine.start(engine.parse('name: q\ntasks:\n  a: { uses: count }\n'));
    run.on('task:queued', () => run.cancel());
    const result = await run.result;
    expect(result.status).toBe('cancelled');
    expect(result.tasks.a?.status).toBe('cancelled');
    expect(calls).toEqual([]);
  });

  it('cancel() ends the run as cancelled, with a killed shell task', async () => {
    const engine = engineWith();
    const wf = engine.parse('name: c\ntasks:\n  s: { run: "sleep 30" }\n  after: { needs: s, uses: echo }\n');
    const run = engine.start(wf);
    run.on('task:start', () => setTimeout(() => run.cancel(), 50));
    const result = await run.result;
    expect(result.status).toBe('cancelled');
    expect(result.tasks.s?.status).toBe('cancelled');
    expect(result.tasks.after?.status).toBe('cancelled');
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('an aborted signal cancels the run', async () => {
    const engine = engineWith();
    const wf = engine.parse('name: c\ntasks:\n  s: { run: "sleep 30" }\n');
    const controller = new AbortController();
    const run = engine.start(wf, { signal: controller.signal });
    run.on('task:start', () => controller.abort());
    expect((await run.result).status).toBe('cancelled');
  });

  it('a run timeout fails the run with RUN_TIMEOUT and cancels the rest', async () => {
    const engine = engineWith();
    const wf = engine.parse('name: t\ntimeout: 100ms\ntasks:\n  s: { run: "sleep 30" }\n');
    const result = await engine.run(wf);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('RUN_TIMEOUT');
    expect(result.tasks.s?.status).toBe('cancelled');
  });

  it('checks executor input and output schemas: INVALID_INPUT is never retried', async () => {
    const typed = defineExecutor({
      name: 'typed',
      inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      outputSchema: { type: 'object', required: ['doubled'] },
      execute: (input: { n: number }) => (input.n > 100 ? { wrong: 1 } : { doubled: input.n * 2 }),
    });
    const engine = engineWith([typed]);
    const wf = engine.parse(`
name: schemas
defaults: { retry: { maxAttempts: 3 } }
tasks:
  good: { uses: typed, with: { n: 2 } }
  bad_in: { uses: typed, with: { n: "two" } }
  bad_out: { uses: typed, with: { n: 500 } }
`);
    const result = await engine.run(wf);
    expect(result.tasks.good?.outputs).toEqual({ doubled: 4 });
    expect(result.tasks.bad_in).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'INVALID_INPUT' } });
    expect(result.tasks.bad_out).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'INVALID_OUTPUT' } });
  });

  it('rejects bad inputs before starting', () => {
    const engine = engineWith();
    const wf = engine.parse('name: i\ninputs:\n  repo: { type: string, required: true }\ntasks:\n  a: { uses: echo }\n');
    expect(() => engine.start(wf, { inputs: {} })).toThrow(expect.objectContaining({ code: 'INVALID_INPUTS' }));
  });

  it('never passes an expression value to the shell as code', async () => {
    const engine = engineWith();
    const wf = engine.parse(`
name: safe
inputs:
  title: { type: string }
tasks:
  s: { run: "echo title=\${{ inputs.title }}" }
`);
    const title = `it's "quoted" $(echo pwned) \`echo pwned\`; echo pwned`;
    const result = await engine.run(wf, { inputs: { title } });
    expect(result.tasks.s?.outputs).toMatchObject({ stdout: `title=${title}` });
  });
});

describe('limits', () => {
  it('holds the run concurrency, executor concurrency and resource pools at once', async () => {
    const wide = concurrencyProbe('wide', 10);
    const narrow = concurrencyProbe('narrow', 10, { concurrency: 2 });
    const pooled = concurrencyProbe('pooled', 10);
    const engine = engineWith([wide.executor, narrow.executor, pooled.executor]);
    const wf = engine.parse(`
name: limits
concurrency: 4
resources: { gpu: 3 }
tasks:
  w: { forEach: [1, 2, 3, 4, 5, 6, 7, 8], uses: wide }
  n: { forEach: [1, 2, 3, 4, 5, 6], uses: narrow }
  p: { forEach: [1, 2, 3, 4], uses: pooled, resources: { gpu: 2 } }
`);
    let running = 0;
    let peak = 0;
    const run = engine.start(wf);
    run.on('task:start', () => (peak = Math.max(peak, ++running)));
    run.on('task:finish', (e) => {
      if (!e.taskId.includes('[')) return;
      running--;
    });
    const result = await run.result;
    expect(result.status).toBe('succeeded');
    expect(peak).toBe(4);
    expect(narrow.peak).toBe(2);
    expect(pooled.peak).toBe(1);
  });

  it('shares engine-wide maxConcurrency and engine pools across runs', async () => {
    const probe = concurrencyProbe('probe', 15);
    const engine = engineWith([probe.executor], { maxConcurrency: 3, resources: { license: 1 } });
    const wf = engine.parse('name: a\ntasks:\n  t: { forEach: [1, 2, 3, 4, 5], uses: probe }\n');
    const pooled = engine.parse('name: b\ntasks:\n  t: { forEach: [1, 2, 3], uses: probe, resources: { license: 1 } }\n');
    await Promise.all([engine.run(wf), engine.run(wf)]);
    expect(probe.peak).toBe(3);
    probe.peak = 0;
    await Promise.all([engine.run(pooled), engine.run(pooled)]);
    expect(probe.peak).toBe(1);
  });

  it('starts higher priority and longer critical paths first', async () => {
    const probe = concurrencyProbe('probe', 1);
    const engine = engineWith([probe.executor], { maxConcurrency: 1 });
    const wf = engine.parse(`
name: order
tasks:
  short: { uses: probe }
  long1: { uses: probe }
  long2: { needs: long1, uses: probe }
  urgent: { uses: probe, priority: 5 }
`);
    await engine.run(wf);
    expect(probe.started.slice(0, 3)).toEqual(['urgent', 'long1', 'short']);
  });
});

describe('scale', () => {
  it('runs a generated 100,000-task workflow with the echo executor', async () => {
    const engine = engineWith();
    const lines = ['name: big', 'concurrency: 8', 'tasks:'];
    for (let i = 0; i < 100_000; i++) lines.push(i === 0 ? `  t${i}: { uses: echo }` : `  t${i}: { needs: t${Math.floor(Math.random() * i)}, uses: echo }`);
    const wf = engine.parse(lines.join('\n'));
    const result = await engine.run(wf);
    expect(result.status).toBe('succeeded');
    expect(Object.values(result.tasks).every((t) => t.status === 'succeeded')).toBe(true);
  }, 60_000);
});
