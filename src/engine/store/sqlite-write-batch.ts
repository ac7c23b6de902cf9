/**
 * The writes a SqliteRunStore has taken but not yet committed, and when they are
 * committed. A task changes state three or four times in quick succession;
 * committing each change on its own cost a WAL append per change, most of a
 * persisted run's time. The batch keeps them and commits them together, in one
 * transaction, at the end of the event-loop turn that made them, or sooner: when
 * it is full, and whenever the store runs any other statement.
 *
 * A task saved twice in one batch is written once, with its newest state: the
 * store keeps only a task's current record, so the states in between were
 * never readable anyway.
 */
import type Database from 'better-sqlite3';
import type { TaskResult } from '../types.js';
import type { LogEntry } from './run-store.js';

/**
 * Writes after which a batch commits at once, without waiting for the turn to
 * end. A run whose executors return without I/O finishes its tasks in one long
 * turn; this bounds what such a turn holds in memory and what a crash during it
 * can lose.
 */
export const MAX_BATCH_WRITES = 4000;

export interface BatchStatements {
  runExists: Database.Statement;
  saveTask: Database.Statement;
  insertLog: Database.Statement;
  trimLogs: Database.Statement;
  recordDuration: Database.Statement;
}

interface PendingTask {
  status: string;
  attempts: number;
  result: string;
}

type PendingLog = [runId: string, taskId: string, attempt: number, stream: string, line: string, at: string];

/** Batches not yet committed: `process.exit()` skips the end of the turn, so they are committed on exit. */
const uncommitted = new Set<WriteBatch>();
let exitHookInstalled = false;

function commitOnExit(batch: WriteBatch): void {
  uncommitted.add(batch);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pending of uncommitted) {
      try {
        pending.flush();
      } catch (error) {
        // The process is ending: stderr is all that is left to tell. What is lost is what a crash would lose.
        process.stderr.write(`weft: could not save the last task states to ${pending.file}: ${(error as Error).message}\n`);
      }
    }
  });
}

export class WriteBatch {
  /** Newest state per task, per run; Maps keep first-saved order, which becomes row order. */
  private tasks = new Map<string, Map<string, PendingTask>>();
  private logs: PendingLog[] = [];
  /** Tasks whose logs are cut back to `keep` lines after this batch's lines are in. */
  private trims: { run: string; task: string; keep: number }[] = [];
  /** Samples in the order they came: a moving average depends on it. */
  private durations: [workflow: string, taskId: string, ms: number][] = [];
  private writes = 0;
  private timer: NodeJS.Immediate | undefined;
  /** Set once the store is closed: a write then commits at once, and so fails as any statement would. */
  private closed = false;

  /**
   * @param commit runs `writeTo` in a transaction
   * @param file the store's file, to name in a message
   */
  constructor(
    private readonly commit: (batch: WriteBatch) => void,
    readonly file: string,
  ) {}

  /** Serialized now, so later changes to `task` by the caller are not what gets written. */
  saveTask(runId: string, taskId: string, task: TaskResult): void {
    let tasks = this.tasks.get(runId);
    if (!tasks) this.tasks.set(runId, (tasks = new Map()));
    tasks.set(taskId, { status: task.status, attempts: task.attempts, result: JSON.stringify(task) });
    this.added();
  }

  /** With `trimTo`, the task's logs are then cut back to their newest `trimTo` lines. */
  appendLog(runId: string, entry: LogEntry, line: string, trimTo?: number): void {
    this.logs.push([runId, entry.taskId, entry.attempt, entry.stream, line, entry.at]);
    if (trimTo !== undefined) this.trims.push({ run: runId, task: entry.taskId, keep: trimTo });
    this.added();
  }

  recordDuration(workflow: string, taskId: string, ms: number): void {
    this.durations.push([workflow, taskId, ms]);
    this.added();
  }

  /** Commits every pending write now, in one transaction. If the commit fails, the writes stay pending. */
  flush(): void {
    clearImmediate(this.timer);
    this.timer = undefined;
    if (this.writes === 0) return;
    this.commit(this);
    this.clear();
    uncommitted.delete(this);
  }

  /** Commits what is pending; later writes fail. */
  close(): void {
    this.closed = true;
    try {
      this.flush();
    } finally {
      uncommitted.delete(this);
    }
  }

  /** Runs every pending write, for `commit` to wrap in a transaction. */
  writeTo(sql: BatchStatements): void {
    for (const [runId, tasks] of this.tasks) {
      // A task of a run the store does not have is dropped, as MemoryRunStore drops it.
      if (!sql.runExists.get(runId)) continue;
      for (const [taskId, task] of tasks) sql.saveTask.run(runId, taskId, task.status, task.attempts, task.result);
    }
    for (const log of this.logs) sql.insertLog.run(log);
    for (const trim of this.trims) sql.trimLogs.run(trim);
    for (const duration of this.durations) sql.recordDuration.run(duration);
  }

  private added(): void {
    this.writes++;
    if (this.closed || this.writes >= MAX_BATCH_WRITES) return this.flush();
    if (this.timer) return;
    commitOnExit(this);
    this.timer = setImmediate(() => this.commitAtTurnEnd());
  }

  /**
   * A failure here has no caller to go to. The writes stay pending: the next write
   * schedules them again, and the store's next read, run update or close commits
   * them first and throws if it fails again.
   */
  private commitAtTurnEnd(): void {
    try {
      this.flush();
    } catch {
      // Still pending, as said above.
    }
  }

  private clear(): void {
    this.tasks = new Map();
    this.logs = [];
    this.trims = [];
    this.durations = [];
    this.writes = 0;
  }
}
