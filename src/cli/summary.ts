/**
 * The end-of-run summary: status, counts by status, duration, the run's outputs,
 * and every failed task with its error and its last log lines.
 */
import type { RunResult, RunStatus, TaskResult, TaskStatus } from '../engine/types.js';
import { formatDuration, type Style } from './style.js';

/** Where the summary finds each task's last log lines. */
export interface LogSource {
  logTail(taskId: string): readonly string[];
}

const COUNT_ORDER: TaskStatus[] = [
  'succeeded',
  'failed',
  'upstream_failed',
  'skipped',
  'cancelled',
  'waiting',
  'running',
  'retrying',
  'queued',
  'pending',
];

const MAX_FAILURES_SHOWN = 20;
const MAX_OUTPUT_CHARS = 2000;

export function formatSummary(result: RunResult, logs: LogSource, style: Style): string {
  const tasks = countedTasks(result.tasks);
  const lines = [headline(result, tasks, style)];
  if (result.error) lines.push(`  ${style.paint('red', result.error.code)} ${result.error.message}`);
  const failures = tasks.filter(([, task]) => task.status === 'failed');
  for (const [id, task] of failures.slice(0, MAX_FAILURES_SHOWN)) lines.push(...failureBlock(id, task, logs, style));
  if (failures.length > MAX_FAILURES_SHOWN) {
    lines.push(style.paint('gray', `  … and ${failures.length - MAX_FAILURES_SHOWN} more failed tasks (use --json for all)`));
  }
  for (const [id, task] of tasks.filter(([, t]) => t.status === 'waiting')) {
    lines.push(`  ${style.mark('waiting')} ${id}: ${task.error?.message.split('\n')[0] ?? 'waiting'}`);
  }
  if (result.status === 'succeeded' && Object.keys(result.outputs).length > 0) {
    lines.push(`${style.paint('bold', 'outputs')} ${clip(JSON.stringify(result.outputs))}`);
  }
  return lines.join('\n');
}

function headline(result: RunResult, tasks: [string, TaskResult][], style: Style): string {
  const counts = new Map<TaskStatus, number>();
  for (const [, task] of tasks) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  const countText = COUNT_ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
  const duration = result.durationMs === undefined ? '' : ` in ${formatDuration(result.durationMs)}`;
  const status: RunStatus & TaskStatus = result.status;
  const head = `${style.mark(status)} ${style.paint('bold', `${result.workflow} ${result.status}${duration}`)}`;
  return countText ? `${head} · ${countText}` : head;
}

function failureBlock(id: string, task: TaskResult, logs: LogSource, style: Style): string[] {
  const error = task.error;
  const reason = error ? `${style.paint('red', error.code)} ${error.message.split('\n')[0] ?? ''}` : 'failed';
  const attempts = task.attempts > 1 ? style.paint('gray', ` after ${task.attempts} attempts`) : '';
  const lines = [`  ${style.mark('failed')} ${id}${attempts}: ${reason}`];
  for (const line of logs.logTail(id)) lines.push(style.paint('gray', `      │ ${line}`));
  return lines;
}

/**
 * The tasks to count: a forEach aggregate `id` is left out when its instances
 * `id[i]` are present, so nothing is counted twice.
 */
export function countedTasks(tasks: Record<string, TaskResult>): [string, TaskResult][] {
  const aggregates = new Set<string>();
  for (const id of Object.keys(tasks)) {
    const bracket = id.lastIndexOf('[');
    if (bracket > 0 && id.endsWith(']')) aggregates.add(id.slice(0, bracket));
  }
  return Object.entries(tasks).filter(([id]) => !aggregates.has(id));
}

function clip(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}…` : text;
}
