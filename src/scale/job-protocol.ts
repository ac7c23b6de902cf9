/**
 * What the coordinator and its workers agree on: queue names, job ids, the job's
 * data, the result a worker hands back, and the Redis names of the side channels
 * (logs, cancellation, outputs stored by reference). Both ends import this file,
 * so the wire format lives in one place.
 */
import { ErrorCodes, TaskError } from '../engine/errors.js';
import type { LogStream } from '../engine/executor.js';
import type { ApprovalDecision, TaskErrorInfo } from '../engine/types.js';
import { CodecErrorCodes, type Sealed } from './payload-codec.js';

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

/**
 * What a job holds in Redis: in the clear, what says which task and attempt it is
 * (operators read it in BullMQ's tools); in `payload`, the task's data, sealed
 * when the coordinator has a queue key (see payload-codec.ts).
 */
export interface JobData {
  runId: string;
  taskId: string;
  attempt: number;
  workdir: string;
  idempotencyKey: string;
  workflow: string;
  startedAt: string;
  payload: JobPayload | Sealed;
}

/** The part of a task context that may hold secrets. */
export interface JobPayload {
  input: unknown;
  env: Record<string, string>;
  approval?: ApprovalDecision;
  /**
   * The run's secret values (only ever sealed: a run with secrets needs a queue
   * key), so that the worker masks what an executor throws before cutting it.
   */
  secrets?: readonly string[];
}

/** What each envelope of a job is bound to: its job and which part it is. */
export const sealContext = {
  data: (jobId: string) => `data:${jobId}`,
  result: (jobId: string) => `result:${jobId}`,
  log: (jobId: string) => `log:${jobId}`,
  output: (jobId: string) => `output:${jobId}`,
} as const;

/** An executor's error as it crosses the wire: TaskError.toJSON plus the retry hint. */
export type WireError = TaskErrorInfo & { retryAfterMs?: number };

/**
 * What a worker's job returns (sealed, when its data was). Executor failures are
 * results too (`ok: false`), so a BullMQ-level failure always means the job itself
 * was lost (a dead worker). `logLines` says how many log lines were published, so
 * none is dropped at the end.
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

/** One line of a job's log. */
export interface LogLine {
  stream: LogStream;
  line: string;
}

/**
 * What workers publish on a run's channel, about one job of the run:
 * - `log`: a log line, sealed when the job's data was;
 * - `result`: the job completed; its return value, as stored in Redis (published
 *   once it is stored, so the coordinator need not read BullMQ's event stream);
 * - `lost`: BullMQ failed the job itself (its worker stopped renewing the lock);
 *   the coordinator reads why from Redis.
 */
export type RunMessage = { jobId: string; log: LogLine | Sealed } | { jobId: string; result: unknown } | { jobId: string; lost: true };

/** A request to stop a job's executor. */
export interface CancelMessage {
  jobId: string;
  reason: WireError;
}

/** A run's channel: its coordinator listens while it has jobs in flight. */
export function runChannel(runId: string): string {
  return `weft:run:${escapePart(runId)}`;
}

/** The channel of the run a job belongs to: its id starts with the escaped run id, which holds no `.`. */
export function runChannelOfJob(jobId: string): string {
  return `weft:run:${jobId.slice(0, jobId.indexOf('.'))}`;
}

/** Every worker listens here for jobs to abort. */
export const CANCEL_CHANNEL = 'weft:cancel';

/** Where a job's output too large to travel inline is kept (sealed, when its job's data was). */
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
  ...CodecErrorCodes,
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
