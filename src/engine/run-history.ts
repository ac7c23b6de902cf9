/**
 * The engine's runs as a person asks about them: `engine.runs.list()`,
 * `engine.runs.get(id)`, `engine.runs.logs(id)`. A read view over the RunStore,
 * which is the engine's write side (`engine.store`).
 */
import type { LogQuery, RunFilter, RunRecord, RunStore, StoredLogEntry } from './store/index.js';

export class RunHistory {
  constructor(private readonly store: RunStore) {}

  /** Newest first, filtered by workflow and status, at most `limit`. */
  list(filter?: RunFilter): RunRecord[] {
    return this.store.listRuns(filter);
  }

  get(runId: string): RunRecord | undefined {
    return this.store.getRun(runId);
  }

  /** A run's kept log lines, of one task or all, after a position (for following). */
  logs(runId: string, query?: LogQuery): StoredLogEntry[] {
    return this.store.readLogs(runId, query);
  }

  /** Deletes finished runs that started before `before`; returns how many. */
  prune(before: Date): number {
    return this.store.pruneRuns(before);
  }
}
