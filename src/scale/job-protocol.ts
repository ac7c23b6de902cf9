/**
 * What the coordinator and its workers agree on: queue names, job ids, the job's
 * data, the result a worker hands back, and the Redis names of the side channels
 * (logs, cancellation, outputs stored by reference). Both ends import this file,
 * so the wire format lives in one place.
 */
import { ErrorCodes, TaskError } from '../engine/errors.js';
import type { LogStream } from '../engine/executor.js';
import type { ApprovalDecision, TaskErrorInfo } from '../engine/types.js';

/** Every executor has its own queue, so a worker takes only jobs it can run. */
export function queueName(executor: string): string {
  return `weft-${executor}`;
}

/**
 * `<runId>.<taskId>.<attempt>` with each part escaped: BullMQ refuses `:` in ids and
 * run ids are the user's choice. The same attempt always gets the same id, so adding
 * it twice is a no-op in BullMQ, never a second job.
 */
export function jobIdFor(runId: string, taskId: string, attempt: number): string {
  return `${escapePart(runId)}.${escapePart(taskId)}.${attempt}`;
}

/** `%XX` for a code unit below 0x100, `%uXXXX` above: never two texts to one id. */
function escapePart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, (c) => {
    const code = c.charCodeAt(0);
    const hex = code.toString(16).toUpperCase();
    return code < 0x100 ? `%${hex.padStart(2, '0')}` : `%u${hex.padStart(4, '0')}`;
  });
}

/** The task context fields that travel with a job; the worker rebuilds the rest. */
export interface JobData {
  runId: string;
  taskId: string;
  attempt: number;
  executor: string;
  input: unknown;
  workdir: string;
  idempotencyKey: string;
  env: Record<string, string>;
  workflow: string;
  startedAt: string;
  approval?: ApprovalDecision;
}

/** An executor's error as it crosses the wire: TaskError.toJSON plus the retry hint. */
export type WireError = TaskErrorInfo & { retryAfterMs?: number };

/**
 * What a worker's job returns. Executor failures are results too (`ok: false`), so a
 * BullMQ-level failure always means the job itself was lost (a dead worker).
 * `logLines` says how many log lines were published, so none is dropped at the end.
 */
export type JobResult =
  | { ok: true; outputs: unknown; logLines: number }
  | { ok: true; outputRef: string; bytes: number; logLines: number }
  | { ok: false; error: WireError; logLines: number };

export function toWire(error: TaskError): WireError {
  const info: WireError = error.toJSON();
  if (error.retryAfterMs !== undefined) info.retryAfterMs = error.retryAfterMs;
  return info;
}

export function fromWire(info: WireError): TaskError {
  const { code, message, retryable, retryAfterMs, details, exitCode, signal } = info;
  return new TaskError(code, message, { retryable, retryAfterMs, details, exitCode, signal });
}

/** One log line published by a worker. */
export interface LogMessage {
  jobId: string;
  stream: LogStream;
  line: string;
}

/** A request to stop a job's executor. */
export interface CancelMessage {
  jobId: string;
  reason: WireError;
}

/** Log lines of a run's jobs are published here; the coordinator driving the run listens. */
export function logChannel(runId: string): string {
  return `weft:logs:${escapePart(runId)}`;
}

/** Every worker listens here for jobs to abort. */
export const CANCEL_CHANNEL = 'weft:cancel';

/** Where a job's output too large to travel inline is kept. */
export function outputKey(jobId: string): string {
  return `weft:output:${jobId}`;
}

/** Codes of failures that belong to the queue, not to the executor. */
export const ScaleErrorCodes = {
  /** The worker running the attempt stopped answering (killed, crashed, cut off). */
  WORKER_LOST: 'WORKER_LOST',
  /** The job vanished from Redis (e.g. Redis restarted without persistence). */
  JOB_LOST: 'JOB_LOST',
  /** The executor returned more than a worker may send back. */
  OUTPUT_TOO_LARGE: 'OUTPUT_TOO_LARGE',
} as const;

/** The failure a job that BullMQ itself failed stands for. */
export function lostJobError(jobId: string, failedReason: string): TaskError {
  if (/stalled/i.test(failedReason)) {
    return new TaskError(
      ScaleErrorCodes.WORKER_LOST,
      `the worker running job ${jobId} stopped renewing its lock (killed or cut off from Redis); the attempt is lost`,
      { details: { jobId, failedReason } },
    );
  }
  return new TaskError(ErrorCodes.EXECUTOR_ERROR, `job ${jobId} failed in its worker: ${failedReason}`, { details: { jobId, failedReason } });
}

/** Sizes in errors: `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
