/**
 * The pieces of a scale-out deployment for tests: `weft worker` processes (the built
 * CLI), a coordinator engine in the test process, the fixture executors, and a
 * directory where executors mark what really ran.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/cli/config.js';
import type { Executor } from '../../../src/engine/executor.js';
import { createQueueDispatcher, type QueueDispatcher } from '../../../src/scale/index.js';
import { WorkflowEngine } from '../../../src/weft-engine.js';
import { startCli, waitForStderr, type CliResult } from '../../e2e/cli-process.js';
import type { RedisFixture } from './use-redis.js';

export const CONFIG = fileURLToPath(new URL('../fixtures/weft.config.mjs', import.meta.url));

export async function fixtureExecutors(): Promise<Executor[]> {
  return (await loadConfig(CONFIG)).executors;
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  done: Promise<CliResult>;
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/** Starts `weft worker` and resolves once it listens. `env` adds to the worker's environment (`WEFT_QUEUE_KEY`). */
export async function startWorker(redis: string, extra: string[] = [], env: Record<string, string | undefined> = {}): Promise<WorkerProcess> {
  const { child, done } = startCli(['worker', '--redis', redis, '--config', CONFIG, ...extra], { env });
  await waitForStderr(child, 'listening on');
  return {
    child,
    pid: child.pid!,
    done,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return done;
    },
  };
}

/** `count` workers started at once, each killed after the current test. */
export async function startWorkers(redis: RedisFixture, count: number, extra: string[] = [], env: Record<string, string | undefined> = {}): Promise<WorkerProcess[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startWorker(redis.url, extra, env)));
  for (const worker of started) redis.defer(() => worker.stop('SIGKILL'));
  return started;
}

/** A coordinator's engine whose dispatcher is closed after the current test. */
export async function queueEngine(redis: RedisFixture, options: { queueKey?: string } = {}): Promise<WorkflowEngine> {
  const { engine, dispatcher } = await coordinator(redis.url, options);
  redis.defer(() => dispatcher.close());
  return engine;
}

/** A coordinator: the real engine with the fixture executors, dispatching to Redis. */
export async function coordinator(redis: string, options: { reconcileIntervalMs?: number; queueKey?: string } = {}) {
  const dispatcher: QueueDispatcher = createQueueDispatcher({ redis, ...options, onConnection: () => undefined });
  const engine = new WorkflowEngine({ executors: await fixtureExecutors(), dispatcher });
  return { engine, dispatcher };
}

/** A directory for executors' marks, and readers for them. */
export function marksDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'weft-marks-'));
  const lines = (file: string): string[] => {
    try {
      return readFileSync(path.join(dir, file), 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  return {
    dir,
    /** `<pid> <attempt>` for each time the task started. */
    starts: (taskId: string) => lines(taskId),
    aborted: (taskId: string) => lines(`${taskId}.aborted`),
    /** Every task that ran, with its start lines. */
    all(): Map<string, string[]> {
      const entries = readdirSync(dir).filter((name) => !name.includes('.'));
      return new Map(entries.map((name) => [name, lines(name)]));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Resolves once `check` is true; throws after `timeoutMs` so a broken test fails, not hangs. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
