/** A RunStore in memory: for embedding and tests. Runs are lost with the process. */
import type { TaskResult } from '../types.js';
import type { Lease, LogEntry, LogQuery, RunFilter, RunRecord, RunStore, StoredLogEntry } from './run-store.js';

/** Log lines kept per task; older lines are dropped first. */
export const MEMORY_LOG_LINES_PER_TASK = 1000;

/** Durations recorded for one workflow and not yet folded into its estimates. */
interface PendingDurations {
  taskIds: string[];
  ms: number[];
}

export class MemoryRunStore implements RunStore {
  /** Runs hold the engine's live task results: `saveTask` is only needed for objects not held yet. */
  readonly keepsTaskObjects = true;
  private readonly runs = new Map<string, RunRecord>();
  private readonly logs = new Map<string, StoredLogEntry[]>();
  private readonly durations = new Map<string, Map<string, number>>();
  private readonly pendingDurations = new Map<string, PendingDurations>();
  private readonly leases = new Map<string, Lease>();
  private seq = 0;

  /**
   * Keeps the record as given rather than copying it: the engine hands over a fresh
   * record, whose `tasks` it may make only when first read (spreading it would make
   * it, at about a microsecond per task of a 100,000-task run).
   */
  createRun(run: RunRecord): void {
    this.runs.set(run.runId, run);
  }

  updateRun(runId: string, patch: Partial<RunRecord>): void {
    const run = this.runs.get(runId);
    if (run) Object.assign(run, patch);
  }

  saveTask(runId: string, taskId: string, task: TaskResult): void {
    const run = this.runs.get(runId);
    if (run) run.tasks[taskId] = task;
  }

  getRun(runId: string): RunRecord | undefined {
    return this.runs.get(runId);
  }

  listRuns(filter: RunFilter = {}): RunRecord[] {
    const matches = [...this.runs.values()]
      .filter((run) => !filter.workflow || run.workflow === filter.workflow)
      .filter((run) => !filter.status || run.status === filter.status)
      .reverse();
    return filter.limit === undefined ? matches : matches.slice(0, filter.limit);
  }

  pruneRuns(before: Date): number {
    let pruned = 0;
    for (const run of [...this.runs.values()]) {
      if (run.finishedAt && new Date(run.startedAt) < before) {
        this.runs.delete(run.runId);
        this.logs.delete(run.runId);
        pruned++;
      }
    }
    return pruned;
  }

  appendLog(runId: string, entry: LogEntry): void {
    let entries = this.logs.get(runId);
    if (!entries) this.logs.set(runId, (entries = []));
    entries.push({ ...entry, seq: ++this.seq });
    if (entries.length > MEMORY_LOG_LINES_PER_TASK * 4) this.trim(entries);
  }

  readLogs(runId: string, query: LogQuery = {}): StoredLogEntry[] {
    const entries = (this.logs.get(runId) ?? []).filter(
      (e) => (!query.taskId || e.taskId === query.taskId) && e.seq > (query.afterSeq ?? 0),
    );
    return query.limit === undefined ? entries : entries.slice(0, query.limit);
  }

  /**
   * Noted now, folded into the estimates when they are read: a 100,000-task run
   * would otherwise pay a lookup in a 100,000-key map per task, on the run's time.
   */
  recordDuration(workflow: string, taskId: string, ms: number): void {
    let pending = this.pendingDurations.get(workflow);
    if (!pending) this.pendingDurations.set(workflow, (pending = { taskIds: [], ms: [] }));
    pending.taskIds.push(taskId);
    pending.ms.push(ms);
  }

  durationEstimates(workflow: string): Map<string, number> {
    return new Map(this.estimatesOf(workflow));
  }

  private estimatesOf(workflow: string): Map<string, number> | undefined {
    const pending = this.pendingDurations.get(workflow);
    let estimates = this.durations.get(workflow);
    if (!pending) return estimates;
    this.pendingDurations.delete(workflow);
    if (!estimates) this.durations.set(workflow, (estimates = new Map()));
    for (let i = 0; i < pending.taskIds.length; i++) {
      const taskId = pending.taskIds[i]!;
      const ms = pending.ms[i]!;
      const previous = estimates.get(taskId);
      // An exponential moving average: recent runs count more, one outlier does not dominate.
      estimates.set(taskId, previous === undefined ? ms : previous * 0.7 + ms * 0.3);
    }
    return estimates;
  }

  acquireLease(runId: string, holder: string, ttlMs: number): Lease {
    const current = this.leases.get(runId);
    if (current && current.holder !== holder && current.expiresAt > Date.now()) return current;
    const lease = { holder, expiresAt: Date.now() + ttlMs };
    this.leases.set(runId, lease);
    return lease;
  }

  releaseLease(runId: string, holder: string): void {
    if (this.leases.get(runId)?.holder === holder) this.leases.delete(runId);
  }

  /** Keeps the newest MEMORY_LOG_LINES_PER_TASK lines of each task. */
  private trim(entries: StoredLogEntry[]): void {
    const kept = new Map<string, number>();
    const result: StoredLogEntry[] = [];
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      const count = kept.get(entry.taskId) ?? 0;
      if (count >= MEMORY_LOG_LINES_PER_TASK) continue;
      kept.set(entry.taskId, count + 1);
      result.push(entry);
    }
    entries.splice(0, entries.length, ...result.reverse());
  }
}
