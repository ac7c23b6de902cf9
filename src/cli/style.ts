/**
 * How the CLI writes to a terminal: state marks, optional colour, short durations.
 * Colour is decided once per stream so piped output and `NO_COLOR` stay plain.
 */
import type { TaskStatus } from '../engine/types.js';

export const STATUS_MARKS: Record<TaskStatus, string> = {
  pending: '·',
  queued: '·',
  running: '▸',
  retrying: '↻',
  waiting: '◷',
  succeeded: '✓',
  failed: '✗',
  skipped: '↷',
  upstream_failed: '⊘',
  cancelled: '■',
};

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type ColorName = keyof typeof CODES;

const STATUS_COLORS: Record<TaskStatus, ColorName> = {
  pending: 'gray',
  queued: 'gray',
  running: 'cyan',
  retrying: 'yellow',
  waiting: 'blue',
  succeeded: 'green',
  failed: 'red',
  skipped: 'gray',
  upstream_failed: 'magenta',
  cancelled: 'yellow',
};

export interface Style {
  readonly color: boolean;
  paint(name: ColorName, text: string): string;
  /** The status mark, coloured for the status. */
  mark(status: TaskStatus): string;
}

export function createStyle(color: boolean): Style {
  const paint = (name: ColorName, text: string): string =>
    color ? `\u001b[${CODES[name]}m${text}\u001b[0m` : text;
  return {
    color,
    paint,
    mark: (status) => paint(STATUS_COLORS[status], STATUS_MARKS[status]),
  };
}

/** Colour only for a terminal, and never when `NO_COLOR` is set to anything non-empty. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** `850ms`, `1.2s`, `2m05s`, `1h02m`: short enough for a status line. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  const seconds = totalSeconds % 60;
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  if (hours === 0) return `${minutes}m${String(seconds).padStart(2, '0')}s`;
  return `${hours}h${String(minutes).padStart(2, '0')}m`;
}

/** Local wall-clock time as `HH:MM:SS`. */
export function formatClock(ms: number): string {
  const date = new Date(ms);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Cuts a line to `width` visible characters so a redraw never wraps. */
export function truncate(line: string, width: number): string {
  if (width <= 0) return '';
  const visible = line.replace(ANSI, '');
  if (visible.length <= width) return line;
  return `${visible.slice(0, Math.max(0, width - 1))}…`;
}
