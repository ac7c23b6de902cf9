/**
 * A TaskContext for tests of executors: a real AbortController, and every log line
 * collected so tests can assert on what a user would see.
 */
import { tmpdir } from 'node:os';
import type { LogStream, TaskContext } from '../../src/engine/executor.js';

export interface LogEntry {
  stream: LogStream;
  line: string;
}

export interface TestTaskContext extends TaskContext {
  /** Controls `signal` (unless `signal` was overridden). */
  controller: AbortController;
  /** Every `log` and `logStream` call, in order; `log` calls appear under stream `log`. */
  logs: LogEntry[];
  /** The lines of one stream, in order. */
  lines(stream: LogStream): string[];
}

export function makeContext(overrides: Partial<TaskContext> = {}): TestTaskContext {
  const controller = new AbortController();
  const logs: LogEntry[] = [];
  const runId = overrides.runId ?? 'run-1';
  const taskId = overrides.taskId ?? 'task';
  return {
    runId,
    taskId,
    attempt: 1,
    signal: controller.signal,
    workdir: tmpdir(),
    idempotencyKey: `${runId}/${taskId}`,
    env: {},
    workflow: 'test',
    startedAt: new Date().toISOString(),
    log: (...args: unknown[]) => logs.push({ stream: 'log', line: args.map(String).join(' ') }),
    logStream: (stream: LogStream, line: string) => logs.push({ stream, line }),
    ...overrides,
    controller,
    logs,
    lines: (stream: LogStream) => logs.filter((entry) => entry.stream === stream).map((entry) => entry.line),
  };
}
