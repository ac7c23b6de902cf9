/**
 * Structured logs of a run: one JSON object per line (pino), every line of a run
 * carrying `runId` and, for task lines, `taskId`, so a log pipeline can follow
 * one run or one task through interleaved output.
 */
import { pino, stdTimeFunctions, type Logger } from 'pino';
import type { RunEventSource } from './timeline.js';

export interface RunLoggerOptions {
  /** Where lines go. @default process.stderr */
  stream?: { write(line: string): unknown };
  /** @default 'info' */
  level?: 'debug' | 'info' | 'warn' | 'error';
}

export interface RunLogger {
  readonly logger: Logger;
  attach(run: RunEventSource): void;
}

export function createRunLogger(options: RunLoggerOptions = {}): RunLogger {
  const logger = pino({ base: { name: 'weft' }, level: options.level ?? 'info', timestamp: stdTimeFunctions.isoTime }, options.stream ?? process.stderr);
  return {
    logger,
    attach(run) {
      run.on('run:start', (e) => logger.info({ runId: e.runId, workflow: e.workflow, taskCount: e.taskCount }, 'run started'));
      run.on('task:queued', (e) => logger.debug({ runId: e.runId, taskId: e.taskId, attempt: e.attempt }, 'task queued'));
      run.on('task:start', (e) => logger.info({ runId: e.runId, taskId: e.taskId, attempt: e.attempt, maxAttempts: e.maxAttempts, heldBy: e.heldBy }, 'task started'));
      run.on('task:log', (e) => logger.info({ runId: e.runId, taskId: e.taskId, attempt: e.attempt, stream: e.stream }, e.line));
      run.on('task:retry', (e) =>
        logger.warn({ runId: e.runId, taskId: e.taskId, attempt: e.attempt, delayMs: e.delayMs, error: e.error }, `task will retry in ${e.delayMs} ms`),
      );
      run.on('task:finish', (e) => {
        const fields = { runId: e.runId, taskId: e.taskId, status: e.status, attempts: e.attempts, durationMs: e.timings.durationMs, error: e.error, skipReason: e.skipReason };
        if (e.status === 'failed') logger.error(fields, 'task failed');
        else logger.info(fields, `task ${e.status}`);
      });
      run.on('run:finish', ({ result }) => {
        const fields = { runId: result.runId, workflow: result.workflow, status: result.status, durationMs: result.durationMs, error: result.error };
        if (result.status === 'failed') logger.error(fields, 'run failed');
        else logger.info(fields, `run ${result.status}`);
      });
    },
  };
}
