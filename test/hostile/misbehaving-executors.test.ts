/**
 * Executors that break the contract: odd things thrown, unstorable things returned,
 * promises that never settle or settle too late, signals ignored, processes that
 * will not die, output by the gigabyte. Each time the task ends in exactly one
 * terminal state with a clear error, the rest of the run and other runs carry on,
 * the store can record it, and memory stays bounded.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineExecutor, type TaskContext } from '../../src/engine/executor.js';
import { SqliteRunStore } from '../../src/engine/store/sqlite-store.js';
import type { RunResult, TaskResult } from '../../src/engine/types.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { runCli } from '../e2e/cli-process.js';
import { recordEvents } from '../helpers/engine.js';
import { isAlive, readPid } from '../helpers/processes.js';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'weft-misbehaving-')));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

type Execute = (input: unknown, ctx: TaskContext) => unknown;

const NORMAL = `name: bystander
tasks:
  one: { uses: echo, with: { n: 1 } }
  two: { uses: echo, needs: one, with: { n: 2 } }
`;

/**
 * Runs `execute` as task `bad` beside a task that does not depend on it, one that
 * runs after it whatever happened, and another run in the same engine; everything
 * is recorded in a real SQLite store.
 */
async function runBad(execute: Execute, options: { timeout?: string; abandonGraceMs?: number; settleMs?: number } = {}) {
  const store = new SqliteRunStore(join(temp, `${Math.random().toString(36).slice(2)}.db`));
  const engine = new WorkflowEngine({ store, abandonGraceMs: options.abandonGraceMs ?? 100, executors: [defineExecutor({ name: 'bad', execute: execute as never })] });
  const timeout = options.timeout ? `\n    timeout: ${options.timeout}` : '';
  const workflow = engine.parse(`name: hostile
tasks:
  bad:
    uses: bad${timeout}
  good:
    uses: echo
    with: { ok: true }
  after:
    needs: bad
    trigger: all_done
    uses: echo
    with: { saw: '\${{ tasks.bad.status }}' }
`);
  const bystander = engine.run(engine.parse(NORMAL));
  const run = engine.start(workflow);
  const events = recordEvents(run);
  const result = await run.result;
  // Whatever the executor does late must change nothing.
  await delay(options.settleMs ?? 0);
  const finishes = events.of('task:finish').filter((e) => e.taskId === 'bad');
  const stored = engine.store.getRun(run.id);
  const logs = engine.store.readLogs(run.id);
  store.close();
  return { result, bad: result.tasks.bad as TaskResult, finishes, stored, logs, bystander: await bystander, events };
}

function expectContained(outcome: Awaited<ReturnType<typeof runBad>>, status: TaskResult['status']): void {
  const { result, bad, finishes, stored, bystander } = outcome;
  expect(bad.status).toBe(status);
  expect(finishes.map((f) => f.status)).toEqual([status]);
  expect(stored?.tasks.bad?.status).toBe(status);
  expect(stored?.status).toBe(result.status);
  expect(result.tasks.good?.status).toBe('succeeded');
  expect(result.tasks.after?.status).toBe('succeeded');
  expect(result.tasks.after?.outputs).toEqual({ saw: status });
  expect(bystander.status).toBe('succeeded');
}

describe('an executor that throws something other than an Error', () => {
  it('a string: the string is the message', async () => {
    const outcome = await runBad(() => {
      throw 'disk full';
    });
    expectContained(outcome, 'failed');
    expect(outcome.bad.error).toMatchObject({ code: 'EXECUTOR_ERROR', message: 'disk full' });
  });

  it('null: the message says so', async () => {
    const outcome = await runBad(() => Promise.reject(null));
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.message).toBe('the executor threw null rather than an Error; throw an Error or a TaskError with a message');
  });

  it('an Error whose message getter throws', async () => {
    class Treacherous extends Error {
      override get message(): string {
        throw new Error('gotcha');
      }
    }
    const outcome = await runBad(() => {
      throw new Treacherous();
    });
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.code).toBe('EXECUTOR_ERROR');
    expect(outcome.bad.error?.message).toBe('the executor threw a Treacherous that cannot be described rather than an Error; throw an Error or a TaskError with a message');
  });

  it('an object without a prototype, and a proxy whose every trap throws', async () => {
    const bare = await runBad(() => {
      throw Object.assign(Object.create(null) as object, { reason: 'bare' });
    });
    expectContained(bare, 'failed');
    expect(bare.bad.error?.message).toContain("reason: 'bare'");
    const trap = () => {
      throw new Error('trap');
    };
    const proxy = new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap });
    const trapped = await runBad(() => Promise.reject(proxy));
    expectContained(trapped, 'failed');
    expect(trapped.bad.error?.message).toMatch(/^the executor threw .*Proxy/);
  });
});

describe('an executor that returns something the store cannot hold', () => {
  it('undefined is no outputs: the task succeeds', async () => {
    const outcome = await runBad(() => undefined);
    expectContained(outcome, 'succeeded');
    expect(outcome.bad.outputs).toBeUndefined();
  });

  it('a circular object fails with INVALID_OUTPUT, once, without being retried', async () => {
    const outcome = await runBad(() => {
      const looped: Record<string, unknown> = { name: 'loop' };
      looped.self = { back: looped };
      return looped;
    });
    expectContained(outcome, 'failed');
    expect(outcome.bad.attempts).toBe(1);
    expect(outcome.bad.error).toMatchObject({ code: 'INVALID_OUTPUT', retryable: false });
    expect(outcome.bad.error?.message).toBe(
      'the outputs of executor "bad" cannot be recorded: it refers back to itself at self.back (a circular structure), which JSON cannot represent',
    );
  });

  it('a BigInt fails with INVALID_OUTPUT naming where it is', async () => {
    const outcome = await runBad(() => ({ count: [1, 2n] }));
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.message).toContain('it holds a BigInt at count[1]');
  });

  it('a 100 MB string fails with INVALID_OUTPUT; the store stays small', async () => {
    const outcome = await runBad(() => ({ text: 'x'.repeat(100 * 1024 * 1024) }));
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.message).toContain('it is larger than 16 MiB as JSON at text');
    expect(JSON.stringify(outcome.stored).length).toBeLessThan(100_000);
  });

  it('a getter that throws while the outputs are read', async () => {
    const outcome = await runBad(() => ({
      get value(): string {
        throw new Error('no value for you');
      },
    }));
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.message).toContain('reading it threw Error: no value for you');
  });

  it('a TaskError with circular details and a huge message is recorded, cut down', async () => {
    const details: Record<string, unknown> = {};
    details.self = details;
    const { TaskError } = await import('../../src/engine/errors.js');
    const outcome = await runBad(() => {
      throw new TaskError('MY_CODE', 'y'.repeat(1_000_000), { details, retryable: false });
    });
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.code).toBe('MY_CODE');
    expect(outcome.bad.error?.message.length).toBeLessThan(70_000);
    expect(outcome.bad.error?.details).toEqual({ unrecorded: expect.stringContaining('circular') });
  });
});

describe('an executor that does not settle when it should', () => {
  it('never settles: the timeout ends it', async () => {
    const outcome = await runBad(() => new Promise(() => undefined), { timeout: '100ms' });
    expectContained(outcome, 'failed');
    expect(outcome.bad.error).toMatchObject({ code: 'TIMEOUT', message: 'timed out after 100 ms' });
  });

  it('never settles and has no timeout: cancelling the run ends it', async () => {
    const engine = new WorkflowEngine({ abandonGraceMs: 50, executors: [defineExecutor({ name: 'stuck', execute: () => new Promise(() => undefined) })] });
    const run = engine.start(engine.parse('name: stuck\ntasks:\n  a: { uses: stuck }\n'));
    setTimeout(() => run.cancel(), 50);
    const result = await run.result;
    expect(result.status).toBe('cancelled');
    expect(result.tasks.a?.status).toBe('cancelled');
  });

  it('ignores the abort signal and returns later: abandoned, and its late result discarded', async () => {
    const outcome = await runBad(
      async () => {
        await delay(400);
        return { late: true };
      },
      { timeout: '100ms', settleMs: 500 },
    );
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.code).toBe('TIMEOUT');
    expect(outcome.bad.outputs).toBeUndefined();
  });

  it('rejects after the timeout: still one TIMEOUT, and no unhandled rejection', async () => {
    const outcome = await runBad(
      async () => {
        await delay(300);
        throw new Error('too late');
      },
      { timeout: '50ms', settleMs: 400 },
    );
    expectContained(outcome, 'failed');
    expect(outcome.bad.error?.code).toBe('TIMEOUT');
  });

  it('resolves twice (a thenable calling back twice, then failing): the first value counts', async () => {
    const outcome = await runBad(() => ({
      then(resolve: (value: unknown) => void, reject: (error: unknown) => void) {
        resolve({ first: true });
        resolve({ second: true });
        reject(new Error('and then a failure'));
      },
    }));
    expectContained(outcome, 'succeeded');
    expect(outcome.bad.outputs).toEqual({ first: true });
  });

  it('logs after it has returned: the late lines are dropped', async () => {
    const outcome = await runBad(
      (_input, ctx) => {
        ctx.log('on time');
        setTimeout(() => ctx.log('too late'), 20);
        return { ok: true };
      },
      { settleMs: 100 },
    );
    expectContained(outcome, 'succeeded');
    expect(outcome.logs.map((l) => l.line)).toEqual(['on time']);
  });

  it('logs without end: the attempt keeps 100,000 lines and says the rest was dropped', async () => {
    const outcome = await runBad((_input, ctx) => {
      for (let i = 0; i < 250_000; i++) ctx.log(`line ${i}`);
      return { ok: true };
    });
    expectContained(outcome, 'succeeded');
    const lines = outcome.events.of('task:log').filter((l) => l.taskId === 'bad');
    expect(lines.length).toBe(100_000);
    expect(lines.at(-1)?.line).toBe('[weft] this attempt logged 100000 lines; the rest of its log is dropped');
  });
});

describe('a shell task that will not stop', () => {
  beforeAll(() => {
    process.env.WEFT_KILL_GRACE_MS = '200';
  });
  afterAll(() => {
    delete process.env.WEFT_KILL_GRACE_MS;
  });

  it('ignores SIGTERM and leaves a grandchild running: the whole process group is killed', async () => {
    const pidFile = join(temp, 'grandchild.pid');
    const engine = new WorkflowEngine({ abandonGraceMs: 5_000 });
    const workflow = engine.parse(`name: stubborn
tasks:
  stubborn:
    timeout: 300ms
    env: { PID_FILE: ${JSON.stringify(pidFile)} }
    run: |
      trap '' TERM
      ( bash -c 'trap "" TERM; sleep 1000' & echo $! > "$PID_FILE"; wait ) &
      sleep 1000
`);
    const run = engine.start(workflow, { workdir: temp });
    const grandchild = await readPid(pidFile);
    expect(isAlive(grandchild)).toBe(true);
    const result = await run.result;
    expect(result.tasks.stubborn?.error?.code).toBe('TIMEOUT');
    for (let i = 0; i < 50 && isAlive(grandchild); i++) await delay(20);
    expect(isAlive(grandchild)).toBe(false);
  });
});

describe('a shell task that prints a gigabyte', () => {
  it('is read to the end with bounded memory; its log is cut, its stdout output is the tail', async () => {
    const engine = new WorkflowEngine();
    const workflow = engine.parse("name: loud\ntasks:\n  loud:\n    run: |\n      yes 'all work and no play' | head -c 1G || true\n      echo 'the end'\n");
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const run = engine.start(workflow, { workdir: temp });
    const events = recordEvents(run);
    const result = await run.result.finally(() => clearInterval(sampler));
    expect(result.tasks.loud?.status, JSON.stringify(result.tasks.loud?.error)).toBe('succeeded');
    expect(peak - baseline).toBeLessThan(400 * 1024 * 1024);
    const stdout = (result.tasks.loud?.outputs as { stdout: string }).stdout;
    expect(stdout.length).toBeLessThanOrEqual(64 * 1024);
    expect(stdout.endsWith('the end')).toBe(true);
    expect(stdout).toContain('all work and no play\nall work and no play\n');
    const lines = events.of('task:log');
    expect(lines.length).toBeLessThanOrEqual(100_000);
    expect(lines.at(-1)?.line).toMatch(/^\[weft\] this attempt logged 100000 lines|^stdout: the log stops after/);
    expect(engine.store.readLogs(run.id).length).toBeLessThanOrEqual(100_000);
  }, 120_000);
});

describe('an executor that leaves a promise rejection unhandled, under the real CLI', () => {
  it('is reported; the run carries on and ends normally', async () => {
    const dir = join(temp, 'sloppy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{}');
    writeFileSync(
      join(dir, 'weft.config.mjs'),
      `export default {
  executors: [{
    name: 'sloppy',
    async execute() {
      Promise.reject(new Error('nobody catches me'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { done: true };
    },
  }],
};
`,
    );
    writeFileSync(join(dir, 'wf.yaml'), 'name: sloppy\ntasks:\n  a: { uses: sloppy }\n  b: { needs: a, run: echo fine }\n');
    const { code, stdout, stderr } = await runCli(['run', 'wf.yaml', '--json'], { cwd: dir, env: { WEFT_STORE: undefined } });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('weft: warning: a promise was rejected and nothing handled it (a bug in an executor?): Error: nobody catches me');
    const result = JSON.parse(stdout) as RunResult;
    expect(result.tasks.a?.outputs).toEqual({ done: true });
    expect(result.tasks.b?.status).toBe('succeeded');
  });
});
