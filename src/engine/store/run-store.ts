/**
 * Where runs are recorded. The run writes every state change here before it acts
 * on it, so a durable store can resume a run from what it holds. Methods are
 * synchronous: a write is visible to the store's own reads before the engine
 * moves on; a durable store may commit it a moment later (SqliteRunStore: at
 * the end of the event-loop turn, see docs/operations.md).
 */
import type { RunResult, RunStatus, TaskResult } from '../types.js';
import type { LogStream } from '../executor.js';

/** What a run was started from, kept so it can be resumed as it was. */
export interface RunDefinition {
  /** The workflow text as loaded. */
  text: string;
  /** The file it came from, if any (absolute). */
  file?: string;
  /** sha256 of `text`, to tell whether the file changed since. */
  hash: string;
  /** The directory tasks run in. */
  workdir: string;
}

export interface RunRecord extends RunResult {
  definition?: RunDefinition;
}

export interface RunFilter {
  workflow?: string;
  status?: RunStatus;
  /** Newest first; at most this many. */
  limit?: number;
}

export interface LogEntry {
  taskId: string;
  attempt: number;
  stream: LogStream;
  line: string;
  /** ISO time. */
  at: string;
}

/** A stored log line with its position, for `logs --follow`. */
export interface StoredLogEntry extends LogEntry {
  seq: number;
}

export interface LogQuery {
  taskId?: string;
  /** Only entries with a greater `seq`. */
  afterSeq?: number;
  limit?: number;
}

/** Who drives a run: one process at a time. */
export interface Lease {
  holder: string;
  /** Epoch ms after which the lease is free for another holder. */
  expiresAt: number;
}

export interface RunStore {
  /**
   * True when the store keeps the `TaskResult` objects it is handed (by `createRun`
   * and `saveTask`) and reads them as they are, rather than copying them: the run
   * then saves a task only while the store does not hold its object yet, not at
   * every change. Stores that copy or serialize leave it unset.
   */
  readonly keepsTaskObjects?: boolean;
  createRun(run: RunRecord): void;
  /** Run-level fields change: status, finish time, outputs, error. */
  updateRun(runId: string, patch: Partial<RunRecord>): void;
  /** A task's state changed; `task` is its whole current record. */
  saveTask(runId: string, taskId: string, task: TaskResult): void;
  getRun(runId: string): RunRecord | undefined;
  listRuns(filter?: RunFilter): RunRecord[];
  /** Deletes finished runs that started before `before`; returns how many. */
  pruneRuns(before: Date): number;

  /** Keeps a log line; stores cap what they keep per task. */
  appendLog(runId: string, entry: LogEntry): void;
  readLogs(runId: string, query?: LogQuery): StoredLogEntry[];

  /** A task took `ms` to succeed: the store keeps an estimate per (workflow, task). */
  recordDuration(workflow: string, taskId: string, ms: number): void;
  /** Estimated duration in ms per task id of a workflow. */
  durationEstimates(workflow: string): Map<string, number>;

  /**
   * Takes or renews the lease on a run for `holder` until now + `ttlMs`. Returns the
   * current lease: the caller holds it when `lease.holder === holder`.
   */
  acquireLease(runId: string, holder: string, ttlMs: number): Lease;
  releaseLease(runId: string, holder: string): void;

  close?(): void;
}
