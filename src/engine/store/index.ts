export type { Lease, LogEntry, LogQuery, RunDefinition, RunFilter, RunRecord, RunStore, StoredLogEntry } from './run-store.js';
export { MemoryRunStore, MEMORY_LOG_LINES_PER_TASK } from './memory-store.js';
