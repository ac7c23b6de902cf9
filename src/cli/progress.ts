/**
 * Run events → the terminal (stderr). Three modes:
 * - `live`: a compact view redrawn in place (a TTY);
 * - `plain`: one timestamped line per state change (logs, CI, pipes);
 * - `quiet`: nothing until the summary.
 */
import type { EventEmitter } from 'eventemitter3';
import type { RunEventListeners, RunEvents } from '../engine/events.js';
import type { RunResult } from '../engine/types.js';
import { formatClock, formatDuration, type Style } from './style.js';
import { TaskBoard, renderBoard } from './task-board.js';
import { formatSummary } from './summary.js';

export type ProgressMode = 'live' | 'plain' | 'quiet';

/** What the reporter writes to: stderr, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
}

/** Anything that emits run events: a `Run`. */
export type RunEventSource = EventEmitter<RunEventListeners>;

export interface ProgressOptions {
  mode: ProgressMode;
  style: Style;
  stream: ProgressStream;
  now?: () => number;
  /** How often the live view is redrawn. */
  refreshMs?: number;
}

const DEFAULT_REFRESH_MS = 200;

export class ProgressReporter {
  readonly board: TaskBoard;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private drawnLines = 0;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.board = new TaskBoard(this.now);
  }

  attach(run: RunEventSource): void {
    const { board } = this;
    run.on('run:start', (e) => board.onRunStart(e));
    run.on('task:queued', (e) => board.onQueued(e));
    run.on('task:log', (e) => board.onLog(e));
    run.on('task:start', (e) => {
      board.onStart(e);
      this.plain(formatStartLine(e, this.options.style, this.now()));
    });
    run.on('task:retry', (e) => {
      board.onRetry(e);
      const maxAttempts = board.get(e.taskId)?.maxAttempts;
      this.plain(formatRetryLine(e, maxAttempts, this.options.style, this.now()));
    });
    run.on('task:finish', (e) => {
      board.onFinish(e);
      this.plain(formatFinishLine(e, this.options.style, this.now()));
    });
    if (this.options.mode === 'live') this.startLive();
  }

  /** Stops redrawing, clears the live view and prints the summary. */
  finish(result: RunResult): void {
    this.stopLive();
    this.options.stream.write(`${formatSummary(result, this.board, this.options.style)}\n`);
  }

  /** A message between progress lines (in a live view, above it). */
  note(text: string): void {
    this.options.stream.write(`${this.eraseDrawn()}${text}\n`);
  }

  /** Stops redrawing without a summary (the run could not finish). */
  stop(): void {
    this.stopLive();
  }

  private plain(line: string): void {
    if (this.options.mode === 'plain') this.options.stream.write(`${line}\n`);
  }

  private startLive(): void {
    this.timer = setInterval(() => this.redraw(), this.options.refreshMs ?? DEFAULT_REFRESH_MS);
    this.timer.unref();
  }

  private stopLive(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.options.stream.write(this.eraseDrawn());
  }

  private redraw(): void {
    const { stream, style } = this.options;
    const layout = { columns: stream.columns || 80, rows: Math.max(3, Math.floor((stream.rows || 24) * 0.8)) };
    const lines = renderBoard(this.board, style, layout, this.now());
    stream.write(`${this.eraseDrawn()}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  /** Moves the cursor back over the last frame and clears to the end of the screen. */
  private eraseDrawn(): string {
    const n = this.drawnLines;
    this.drawnLines = 0;
    return n === 0 ? '' : `\u001b[${n}F\u001b[J`;
  }
}

function stamp(now: number, style: Style): string {
  return style.paint('gray', formatClock(now));
}

export function formatStartLine(e: RunEvents['task:start'], style: Style, now: number): string {
  const attempt = e.attempt > 1 ? ` (attempt ${e.attempt}/${e.maxAttempts})` : '';
  return `${stamp(now, style)} ${style.mark('running')} ${e.taskId} started${attempt}`;
}

/** `↻ fetch retry 2/3 in 200ms: NONZERO_EXIT exited with code 1` — the attempt that comes next. */
export function formatRetryLine(
  e: RunEvents['task:retry'],
  maxAttempts: number | undefined,
  style: Style,
  now: number,
): string {
  const next = e.attempt + 1;
  const of = maxAttempts === undefined ? `${next}` : `${next}/${maxAttempts}`;
  const why = `${e.error.code} ${firstLine(e.error.message)}`;
  return `${stamp(now, style)} ${style.mark('retrying')} ${e.taskId} retry ${of} in ${formatDuration(e.delayMs)}: ${why}`;
}

export function formatFinishLine(e: RunEvents['task:finish'], style: Style, now: number): string {
  const parts = [stamp(now, style), style.mark(e.status), e.taskId, e.status];
  if (e.timings.durationMs !== undefined) parts.push(formatDuration(e.timings.durationMs));
  let line = parts.join(' ');
  if (e.error) line += `: ${e.error.code} ${firstLine(e.error.message)}`;
  else if (e.skipReason) line += `: ${e.skipReason}`;
  return line;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : `${text.slice(0, end)} …`;
}
