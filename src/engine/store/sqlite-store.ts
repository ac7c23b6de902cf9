/**
 * A RunStore in a SQLite file: runs survive the process, several processes can
 * read one file while a run writes it, and a lease keeps one driver per run.
 *
 * Task states, log lines and durations are batched (sqlite-write-batch.ts) and
 * committed together at the end of the event-loop turn that wrote them; everything
 * else commits before the method returns, after the batch. This store's own reads
 * see the batch; other connections see it once the turn ends. A crash loses at
 * most the writes of the turn it interrupts: resume then runs those tasks again,
 * as it would after a crash just before the write.
 */
import type Database from 'better-sqlite3';
import type { TaskResult } from '../types.js';
import type { Lease, LogEntry, LogQuery, RunFilter, RunRecord, RunStore, StoredLogEntry } from './run-store.js';
import { openStoreDatabase } from './sqlite-database.js';
import { patchedColumns, RUN_COLUMNS, runParams, toLogEntry, toRunRecord, type LogRow, type RunColumnKey, type RunRow, type TaskRow } from './sqlite-rows.js';
import { WriteBatch } from './sqlite-write-batch.js';

export interface SqliteRunStoreOptions {
  /** Log lines kept per task; the oldest go first. @default 2000 */
  logLinesPerTask?: number;
  /** Characters kept of one log line; the rest is cut with a marker. @default 8192 */
  maxLogLineLength?: number;
}

export const SQLITE_LOG_LINES_PER_TASK = 2000;
export const SQLITE_MAX_LOG_LINE_LENGTH = 8192;

type Statement = Database.Statement;

export class SqliteRunStore implements RunStore {
  /** The database file. */
  readonly file: string;
  private readonly db: Database.Database;
  private readonly logLinesPerTask: number;
  private readonly maxLineLength: number;
  /** Trimming a task's logs after every line would double the cost of a line; trim in batches. */
  private readonly trimEvery: number;
  /** Lines appended since the last trim, per task, per run. */
  private readonly linesSinceTrim = new Map<string, Map<string, number>>();
  private readonly updates = new Map<string, Statement>();
  private readonly batch: WriteBatch;
  private readonly sql: Record<
    | 'upsertRun' | 'runExists' | 'getRun' | 'listRuns' | 'tasksOf' | 'saveTask' | 'deleteTasks' | 'finishedRuns'
    | 'insertLog' | 'trimLogs' | 'logsOfRun' | 'logsOfTask' | 'recordDuration' | 'durations'
    | 'getLease' | 'putLease' | 'releaseLease',
    Statement
  >;
  private readonly create: Database.Transaction<(run: RunRecord) => void>;
  private readonly update: Database.Transaction<(runId: string, patch: Partial<RunRecord>) => void>;
  private readonly replaceTasks: Database.Transaction<(runId: string, tasks: Record<string, TaskResult>) => void>;
  private readonly prune: Database.Transaction<(ids: string[]) => void>;
  private readonly lease: Database.Transaction<(runId: string, holder: string, ttlMs: number) => Lease>;

  constructor(file: string, options: SqliteRunStoreOptions = {}) {
    this.file = file;
    this.logLinesPerTask = options.logLinesPerTask ?? SQLITE_LOG_LINES_PER_TASK;
    this.maxLineLength = options.maxLogLineLength ?? SQLITE_MAX_LOG_LINE_LENGTH;
    this.trimEvery = Math.max(1, Math.ceil(this.logLinesPerTask / 20));
    this.db = openStoreDatabase(file);
    const db = this.db;
    const columns = Object.values(RUN_COLUMNS).map((c) => c.column);
    this.sql = {
      upsertRun: db.prepare(
        `INSERT INTO runs (id, ${columns.join(', ')}) VALUES (@id, ${columns.map((c) => `@${c}`).join(', ')})
         ON CONFLICT (id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      ),
      runExists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      listRuns: db.prepare(
        `SELECT * FROM runs WHERE (@workflow IS NULL OR workflow = @workflow) AND (@status IS NULL OR status = @status)
         ORDER BY rowid DESC LIMIT @limit`,
      ),
      tasksOf: db.prepare('SELECT task_id, result FROM tasks WHERE run_id = ? ORDER BY rowid'),
      // Keyed on (run_id, task_id), an update keeps the row's rowid, so tasks read back in first-saved order.
      // Callers check that the run exists, once for all its tasks.
      saveTask: db.prepare(
        `INSERT INTO tasks (run_id, task_id, status, attempts, result) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, task_id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, result = excluded.result`,
      ),
      deleteTasks: db.prepare('DELETE FROM tasks WHERE run_id = ?'),
      finishedRuns: db.prepare('SELECT id, started_at FROM runs WHERE finished_at IS NOT NULL'),
      insertLog: db.prepare('INSERT INTO logs (run_id, task_id, attempt, stream, line, at) VALUES (?, ?, ?, ?, ?, ?)'),
      trimLogs: db.prepare(
        `DELETE FROM logs WHERE run_id = @run AND task_id = @task AND seq <= (
           SELECT seq FROM logs WHERE run_id = @run AND task_id = @task ORDER BY seq DESC LIMIT 1 OFFSET @keep)`,
      ),
      logsOfRun: db.prepare('SELECT * FROM logs WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      logsOfTask: db.prepare('SELECT * FROM logs WHERE run_id = ? AND task_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      // An exponential moving average, as MemoryRunStore keeps: recent runs count more, one outlier does not dominate.
      recordDuration: db.prepare(
        `INSERT INTO durations (workflow, task_id, estimate_ms, samples) VALUES (?, ?, ?, 1)
         ON CONFLICT (workflow, task_id) DO UPDATE SET estimate_ms = estimate_ms * 0.7 + excluded.estimate_ms * 0.3, samples = samples + 1`,
      ),
      durations: db.prepare('SELECT task_id, estimate_ms FROM durations WHERE workflow = ?'),
      getLease: db.prepare('SELECT holder, expires_at FROM leases WHERE run_id = ?'),
      putLease: db.prepare(
        `INSERT INTO leases (run_id, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
      ),
      releaseLease: db.prepare('DELETE FROM leases WHERE run_id = ? AND holder = ?'),
    };
    const commitBatch = db.transaction((batch: WriteBatch) => batch.writeTo(this.sql));
    this.batch = new WriteBatch(commitBatch, file);
    this.create = db.transaction((run) => {
      this.sql.upsertRun.run(runParams(run));
      this.replaceTasks(run.runId, run.tasks);
    });
    this.update = db.transaction((runId, patch) => {
      const keys = patchedColumns(patch);
      if (keys.length > 0) {
        const params: Record<string, unknown> = { id: runId };
        for (const key of keys) params[RUN_COLUMNS[key].column] = RUN_COLUMNS[key].encode(patch[key]);
        if (this.updateStatement(keys).run(params).changes === 0) return;
      } else if (!this.sql.runExists.get(runId)) {
        return;
      }
      if (patch.tasks) this.replaceTasks(runId, patch.tasks);
    });
    this.replaceTasks = db.transaction((runId, tasks) => {
      this.sql.deleteTasks.run(runId);
      for (const [taskId, task] of Object.entries(tasks)) {
        this.sql.saveTask.run(runId, taskId, task.status, task.attempts, JSON.stringify(task));
      }
    });
    this.prune = db.transaction((ids) => {
      for (const table of ['runs', 'tasks', 'logs', 'leases']) {
        const remove = db.prepare(`DELETE FROM ${table} WHERE ${table === 'runs' ? 'id' : 'run_id'} = ?`);
        for (const id of ids) remove.run(id);
      }
    });
    this.lease = db.transaction((runId, holder, ttlMs) => {
      const now = Date.now();
      const current = this.sql.getLease.get(runId) as { holder: string; expires_at: number } | undefined;
      if (current && current.holder !== holder && current.expires_at > now) return { holder: current.holder, expiresAt: current.expires_at };
      const lease = { holder, expiresAt: now + ttlMs };
      this.sql.putLease.run(runId, holder, lease.expiresAt);
      return lease;
    });
  }

  createRun(run: RunRecord): void {
    this.flush();
    this.create(run);
  }

  updateRun(runId: string, patch: Partial<RunRecord>): void {
    this.flush();
    this.update(runId, patch);
    // A run that stopped running writes no more lines until it is resumed.
    if (patch.status !== undefined && patch.status !== 'running') this.linesSinceTrim.delete(runId);
  }

  saveTask(runId: string, taskId: string, task: TaskResult): void {
    this.batch.saveTask(runId, taskId, task);
  }

  getRun(runId: string): RunRecord | undefined {
    this.flush();
    const row = this.sql.getRun.get(runId) as RunRow | undefined;
    return row && this.withTasks(row);
  }

  listRuns(filter: RunFilter = {}): RunRecord[] {
    this.flush();
    const rows = this.sql.listRuns.all({
      workflow: filter.workflow || null,
      status: filter.status || null,
      limit: filter.limit ?? -1,
    }) as RunRow[];
    return rows.map((row) => this.withTasks(row));
  }

  pruneRuns(before: Date): number {
    this.flush();
    const rows = this.sql.finishedRuns.all() as { id: string; started_at: string }[];
    const ids = rows.filter((row) => new Date(row.started_at) < before).map((row) => row.id);
    if (ids.length > 0) this.prune(ids);
    return ids.length;
  }

  appendLog(runId: string, entry: LogEntry): void {
    this.batch.appendLog(runId, entry, this.clip(entry.line), this.trimDue(runId, entry.taskId) ? this.logLinesPerTask : undefined);
  }

  readLogs(runId: string, query: LogQuery = {}): StoredLogEntry[] {
    this.flush();
    const after = query.afterSeq ?? 0;
    const limit = query.limit ?? -1;
    const rows = (
      query.taskId ? this.sql.logsOfTask.all(runId, query.taskId, after, limit) : this.sql.logsOfRun.all(runId, after, limit)
    ) as LogRow[];
    return rows.map(toLogEntry);
  }

  recordDuration(workflow: string, taskId: string, ms: number): void {
    this.batch.recordDuration(workflow, taskId, ms);
  }

  durationEstimates(workflow: string): Map<string, number> {
    this.flush();
    const rows = this.sql.durations.all(workflow) as { task_id: string; estimate_ms: number }[];
    return new Map(rows.map((row) => [row.task_id, row.estimate_ms]));
  }

  /** Atomic across processes: the read and the write share one `BEGIN IMMEDIATE` transaction. */
  acquireLease(runId: string, holder: string, ttlMs: number): Lease {
    this.flush();
    return this.lease.immediate(runId, holder, ttlMs);
  }

  /** Commits the batch first: whoever takes the run over next must find its last states. */
  releaseLease(runId: string, holder: string): void {
    this.flush();
    this.sql.releaseLease.run(runId, holder);
  }

  /** Commits what is batched, then closes the file. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.batch.close();
    } finally {
      this.db.close();
    }
  }

  /**
   * Commits the batched writes now, in one transaction. Called before every other
   * statement, so reads see the batch and writes keep their order.
   */
  flush(): void {
    this.batch.flush();
  }

  /** True for every `trimEvery`-th line of a task. */
  private trimDue(runId: string, taskId: string): boolean {
    let counts = this.linesSinceTrim.get(runId);
    if (!counts) this.linesSinceTrim.set(runId, (counts = new Map()));
    const count = (counts.get(taskId) ?? 0) + 1;
    counts.set(taskId, count < this.trimEvery ? count : 0);
    return count >= this.trimEvery;
  }

  private withTasks(row: RunRow): RunRecord {
    return toRunRecord(row, this.sql.tasksOf.all(row.id) as TaskRow[]);
  }

  /** One prepared UPDATE per set of patched columns, made on first use. */
  private updateStatement(keys: RunColumnKey[]): Statement {
    const signature = keys.join(',');
    let statement = this.updates.get(signature);
    if (!statement) {
      const sets = keys.map((key) => `${RUN_COLUMNS[key].column} = @${RUN_COLUMNS[key].column}`);
      statement = this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`);
      this.updates.set(signature, statement);
    }
    return statement;
  }

  private clip(line: string): string {
    if (line.length <= this.maxLineLength) return line;
    return `${line.slice(0, this.maxLineLength)}… [${line.length - this.maxLineLength} more characters cut]`;
  }
}
