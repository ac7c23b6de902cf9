/**
 * The run store of a command that drives runs (`weft run`, `weft resume`). Two
 * things set it apart from the SqliteRunStore it wraps:
 *
 * - The file is opened, and so created, on first use: a command that stops
 *   before its run starts (an invalid workflow, inputs or secret) leaves no
 *   `.weft/` behind.
 * - It knows which run leases this process holds, so that a process that must
 *   exit at once (uncaught-exception.ts) can hand its runs over to `weft resume`
 *   without waiting for the leases to expire.
 */
import type { Lease, LogEntry, LogQuery, RunFilter, RunRecord, RunStore, StoredLogEntry } from '../engine/store/index.js';
import { SqliteRunStore } from '../engine/store/index.js';
import type { TaskResult } from '../engine/types.js';

export class DrivingStore implements RunStore {
  private opened?: SqliteRunStore;
  /** Holder by run id, for each lease this process holds. */
  private readonly held = new Map<string, string>();

  constructor(readonly file: string) {}

  createRun(run: RunRecord): void {
    this.store.createRun(run);
  }

  updateRun(runId: string, patch: Partial<RunRecord>): void {
    this.store.updateRun(runId, patch);
  }

  saveTask(runId: string, taskId: string, task: TaskResult): void {
    this.store.saveTask(runId, taskId, task);
  }

  getRun(runId: string): RunRecord | undefined {
    return this.store.getRun(runId);
  }

  listRuns(filter?: RunFilter): RunRecord[] {
    return this.store.listRuns(filter);
  }

  pruneRuns(before: Date): number {
    return this.store.pruneRuns(before);
  }

  appendLog(runId: string, entry: LogEntry): void {
    this.store.appendLog(runId, entry);
  }

  readLogs(runId: string, query?: LogQuery): StoredLogEntry[] {
    return this.store.readLogs(runId, query);
  }

  recordDuration(workflow: string, taskId: string, ms: number): void {
    this.store.recordDuration(workflow, taskId, ms);
  }

  durationEstimates(workflow: string): Map<string, number> {
    return this.store.durationEstimates(workflow);
  }

  acquireLease(runId: string, holder: string, ttlMs: number): Lease {
    const lease = this.store.acquireLease(runId, holder, ttlMs);
    if (lease.holder === holder) this.held.set(runId, holder);
    return lease;
  }

  releaseLease(runId: string, holder: string): void {
    this.store.releaseLease(runId, holder);
    if (this.held.get(runId) === holder) this.held.delete(runId);
  }

  /**
   * Releases every lease this process holds and closes the file, committing what
   * is still batched: each run is left exactly as far as it got, free to resume.
   */
  handOver(): void {
    if (!this.opened) return;
    for (const [runId, holder] of this.held) this.releaseLease(runId, holder);
    this.close();
  }

  close(): void {
    this.opened?.close();
  }

  private get store(): SqliteRunStore {
    return (this.opened ??= new SqliteRunStore(this.file));
  }
}
