/** Tables and timestamps for the commands that show recorded runs. */
import type { TaskResult, TaskStatus } from '../engine/types.js';
import { countedTasks } from './summary.js';
import type { Style } from './style.js';

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Columns padded by visible width, so coloured cells stay aligned; the header is bold. */
export function formatTable(header: string[], rows: string[][], style: Style): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [style.paint('bold', line(header)), ...rows.map(line)].join('\n');
}

/** An ISO time as local `YYYY-MM-DD HH:MM:SS`; text that is not a time is shown as is. */
export function formatTimestamp(iso: string | undefined): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const COUNT_ORDER: TaskStatus[] = ['succeeded', 'failed', 'upstream_failed', 'skipped', 'cancelled', 'waiting', 'running', 'retrying', 'queued', 'pending'];

/** `4✓ 1✗ 2⊘`: how many tasks are in each state, forEach instances counted instead of their aggregate. */
export function formatTaskCounts(tasks: Record<string, TaskResult>, style: Style): string {
  const counts = new Map<TaskStatus, number>();
  for (const [, task] of countedTasks(tasks)) counts.set(task.status, (counts.get(task.status) ?? 0) + 1);
  return COUNT_ORDER.filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)}${style.mark(status)}`)
    .join(' ');
}

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}
