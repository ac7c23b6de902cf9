/**
 * What the CLI knows about a run while it goes: each task's state, attempt and
 * timing, and the last few log lines of every task (shown when it fails).
 * Fed by run events; rendered by the live view and the summary.
 */
import type { RunEvents } from '../engine/events.js';
import type { TaskErrorInfo, TaskStatus } from '../engine/types.js';
import { TERMINAL_STATUSES } from '../engine/types.js';
import { formatDuration, truncate, type Style } from './style.js';

/** How many log lines per task are kept for the failure summary. */
export const LOG_TAIL_LINES = 10;

export interface TaskView {
  id: string;
  status: TaskStatus;
  attempt: number;
  maxAttempts: number;
  /** Epoch ms of the current attempt's start. */
  startedAt?: number;
  durationMs?: number;
  error?: TaskErrorInfo;
  skipReason?: string;
  /** Bumped on every change, so the most recent changes can be shown first. */
  changedAt: number;
}

const TERMINAL = new Set<TaskStatus>(TERMINAL_STATUSES);
const INSTANCE_ID = /\[\d+\]$/;

export class TaskBoard {
  readonly tasks = new Map<string, TaskView>();
  workflow = '';
  startedAt: number;
  private declaredTasks = 0;
  private instancesSeen = 0;
  private finished = 0;
  private tick = 0;
  private readonly logs = new Map<string, string[]>();

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  get total(): number {
    return Math.max(this.declaredTasks + this.instancesSeen, this.tasks.size);
  }

  get done(): number {
    return this.finished;
  }

  onRunStart(event: RunEvents['run:start']): void {
    this.workflow = event.workflow;
    this.declaredTasks = event.taskCount;
    this.startedAt = this.now();
  }

  onQueued(event: RunEvents['task:queued']): void {
    this.update(event.taskId, { status: 'queued', attempt: event.attempt });
  }

  onStart(event: RunEvents['task:start']): void {
    this.update(event.taskId, {
      status: 'running',
      attempt: event.attempt,
      maxAttempts: event.maxAttempts,
      startedAt: this.now(),
    });
  }

  onRetry(event: RunEvents['task:retry']): void {
    this.update(event.taskId, { status: 'retrying', error: event.error });
  }

  onFinish(event: RunEvents['task:finish']): void {
    const view = this.view(event.taskId);
    const durationMs =
      event.timings.durationMs ?? (view.startedAt === undefined ? undefined : this.now() - view.startedAt);
    this.update(event.taskId, {
      status: event.status,
      attempt: Math.max(view.attempt, event.attempts),
      durationMs,
      error: event.error,
      skipReason: event.skipReason,
    });
  }

  onLog(event: RunEvents['task:log']): void {
    let tail = this.logs.get(event.taskId);
    if (!tail) {
      tail = [];
      this.logs.set(event.taskId, tail);
    }
    tail.push(event.line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  }

  /** The last lines the task logged, oldest first. */
  logTail(taskId: string): readonly string[] {
    return this.logs.get(taskId) ?? [];
  }

  get(taskId: string): TaskView | undefined {
    return this.tasks.get(taskId);
  }

  private view(taskId: string): TaskView {
    let view = this.tasks.get(taskId);
    if (!view) {
      view = { id: taskId, status: 'pending', attempt: 0, maxAttempts: 1, changedAt: 0 };
      this.tasks.set(taskId, view);
      if (INSTANCE_ID.test(taskId)) this.instancesSeen += 1;
    }
    return view;
  }

  private update(taskId: string, change: Partial<TaskView>): void {
    const view = this.view(taskId);
    const wasTerminal = TERMINAL.has(view.status);
    Object.assign(view, change);
    view.changedAt = ++this.tick;
    const isTerminal = TERMINAL.has(view.status);
    if (isTerminal && !wasTerminal) this.finished += 1;
    if (!isTerminal && wasTerminal) this.finished -= 1;
  }
}

/** Lower comes first: what needs attention now, then what is next, then what is over. */
const DISPLAY_RANK: Record<TaskStatus, number> = {
  running: 0,
  retrying: 0,
  failed: 1,
  waiting: 2,
  queued: 3,
  pending: 3,
  upstream_failed: 4,
  cancelled: 4,
  succeeded: 5,
  skipped: 5,
};

export interface BoardLayout {
  columns: number;
  rows: number;
}

/**
 * The live view: a header, then as many tasks as fit — running and failed first,
 * then the most recently changed. Never wider than the terminal, so redraws do not wrap.
 */
export function renderBoard(board: TaskBoard, style: Style, layout: BoardLayout, now: number): string[] {
  const header = `${style.paint('bold', board.workflow || 'workflow')} ${board.done}/${board.total} done · ${formatDuration(now - board.startedAt)}`;
  const room = Math.max(0, layout.rows - 2);
  const shown = pickVisible(board, room);
  const lines = [header, ...shown.map((view) => formatBoardLine(view, style, now))];
  const hidden = board.tasks.size - shown.length;
  if (hidden > 0) lines.push(style.paint('gray', `… ${hidden} more`));
  return lines.map((line) => truncate(line, layout.columns - 1));
}

function pickVisible(board: TaskBoard, room: number): TaskView[] {
  if (room === 0) return [];
  const views = [...board.tasks.values()];
  views.sort((a, b) => DISPLAY_RANK[a.status] - DISPLAY_RANK[b.status] || b.changedAt - a.changedAt);
  return views.slice(0, room);
}

export function formatBoardLine(view: TaskView, style: Style, now: number): string {
  const parts = [style.mark(view.status), view.id];
  if (view.attempt > 1) parts.push(style.paint('yellow', `${view.attempt}/${view.maxAttempts}`));
  const elapsed = TERMINAL.has(view.status)
    ? view.durationMs
    : view.startedAt === undefined
      ? undefined
      : now - view.startedAt;
  if (view.status !== 'running' && view.status !== 'retrying') parts.push(style.paint('gray', view.status));
  if (elapsed !== undefined) parts.push(style.paint('gray', formatDuration(elapsed)));
  return parts.join(' ');
}
