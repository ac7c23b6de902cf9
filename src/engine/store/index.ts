export type { Lease, LogEntry, LogQuery, RunDefinition, RunFilter, RunRecord, RunStore, StoredLogEntry } from './run-store.js';
export { MemoryRunStore, MEMORY_LOG_LINES_PER_TASK } from './memory-store.js';
export { SqliteRunStore, SQLITE_LOG_LINES_PER_TASK, SQLITE_MAX_LOG_LINE_LENGTH, type SqliteRunStoreOptions } from './sqlite-store.js';
