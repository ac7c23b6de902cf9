/** How run records map to rows of the SQLite run store and back. */
import type { LogStream } from '../executor.js';
import type { RunStatus, TaskResult } from '../types.js';
import type { RunRecord, StoredLogEntry } from './run-store.js';

export interface RunRow {
  id: string;
  workflow: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  inputs: string;
  outputs: string;
  error: string | null;
  definition: string | null;
}

export interface TaskRow {
  task_id: string;
  result: string;
}

export interface LogRow {
  seq: number;
  task_id: string;
  attempt: number;
  stream: string;
  line: string;
  at: string;
}

/** RunRecord fields that are plain columns of `runs`, with how each is written. */
export const RUN_COLUMNS = {
  workflow: { column: 'workflow', encode: (v: unknown) => v, required: true },
  status: { column: 'status', encode: (v: unknown) => v, required: true },
  startedAt: { column: 'started_at', encode: (v: unknown) => v, required: true },
  finishedAt: { column: 'finished_at', encode: (v: unknown) => v ?? null },
  durationMs: { column: 'duration_ms', encode: (v: unknown) => v ?? null },
  inputs: { column: 'inputs', encode: (v: unknown) => JSON.stringify(v ?? {}) },
  outputs: { column: 'outputs', encode: (v: unknown) => JSON.stringify(v ?? {}) },
  error: { column: 'error', encode: (v: unknown) => jsonOrNull(v) },
  definition: { column: 'definition', encode: (v: unknown) => jsonOrNull(v) },
} as const satisfies Partial<Record<keyof RunRecord, { column: string; encode: (v: unknown) => unknown; required?: true }>>;

export type RunColumnKey = keyof typeof RUN_COLUMNS;

export function isRunColumn(key: string): key is RunColumnKey {
  return Object.hasOwn(RUN_COLUMNS, key);
}

/** The columns a patch changes: an `undefined` clears a column, except one a run cannot be without. */
export function patchedColumns(patch: Partial<RunRecord>): RunColumnKey[] {
  return Object.keys(patch)
    .filter(isRunColumn)
    .filter((key) => patch[key] !== undefined || !('required' in RUN_COLUMNS[key]))
    .sort();
}

/** The `runs` row of a record, as named parameters. */
export function runParams(run: RunRecord): Record<string, unknown> {
  const params: Record<string, unknown> = { id: run.runId };
  for (const [key, { column, encode }] of Object.entries(RUN_COLUMNS)) params[column] = encode(run[key as RunColumnKey]);
  return params;
}

export function toRunRecord(row: RunRow, tasks: TaskRow[]): RunRecord {
  const record: RunRecord = {
    runId: row.id,
    workflow: row.workflow,
    status: row.status as RunStatus,
    startedAt: row.started_at,
    inputs: JSON.parse(row.inputs) as RunRecord['inputs'],
    outputs: JSON.parse(row.outputs) as RunRecord['outputs'],
    tasks: {},
  };
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  if (row.duration_ms !== null) record.durationMs = row.duration_ms;
  if (row.error !== null) record.error = JSON.parse(row.error) as RunRecord['error'];
  if (row.definition !== null) record.definition = JSON.parse(row.definition) as RunRecord['definition'];
  for (const task of tasks) record.tasks[task.task_id] = JSON.parse(task.result) as TaskResult;
  return record;
}

export function toLogEntry(row: LogRow): StoredLogEntry {
  return { seq: row.seq, taskId: row.task_id, attempt: row.attempt, stream: row.stream as LogStream, line: row.line, at: row.at };
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
