/**
 * A run's timeline: one record per attempt of every task, built from run events.
 * The store keeps each task's final state; only events see every attempt, when it
 * waited, what held it back and how long it backed off before the next one.
 * Times are epoch ms so the timeline is plain JSON and cheap to compute over.
 */
import type { EventEmitter } from 'eventemitter3';
import type { RunEventListeners } from '../engine/events.js';
import type { CompiledWorkflow, RunStatus, TaskErrorInfo, TaskStatus } from '../engine/types.js';

/** How an attempt ended; `running` while it has not. A failed attempt that was retried has `backoffMs`. */
export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'waiting';

export interface AttemptRecord {
  taskId: string;
  /** 1-based. */
  attempt: number;
  executor: string;
  /** When the attempt was handed to the scheduler. */
  queuedAt: number;
  /** Absent for an attempt withdrawn before it started. */
  startedAt?: number;
  finishedAt?: number;
  status: AttemptStatus;
  /** The back-off chosen after this attempt failed, before the next one was queued. */
  backoffMs?: number;
  /** Ms the attempt waited on each limit before it started, by limit name. */
  heldBy?: Record<string, number>;
  error?: TaskErrorInfo;
}

export interface Timeline {
  runId: string;
  workflow: string;
  startedAt: number;
  finishedAt?: number;
  status?: RunStatus;
  /** The most tasks the run could run at once, when it had a cap. */
  concurrency?: number;
  attempts: AttemptRecord[];
}

export type RunEventSource = EventEmitter<RunEventListeners>;

export interface RecorderOptions {
  /** The cap on tasks running at once (workflow `concurrency`, engine `maxConcurrency`): the smaller one. */
  concurrency?: number;
  now?: () => number;
}

const INSTANCE_SUFFIX = /\[\d+\]$/;

/** `build[3]` → `build`: a forEach instance runs its task's executor. */
export function baseTaskId(taskId: string): string {
  return taskId.replace(INSTANCE_SUFFIX, '');
}

/** The cap that binds: the smaller of the workflow's and the engine's, if either is set. */
export function effectiveConcurrency(...caps: (number | undefined)[]): number | undefined {
  const set = caps.filter((cap): cap is number => cap !== undefined);
  return set.length === 0 ? undefined : Math.min(...set);
}

/** Listens to one run and keeps its timeline; read `timeline` at any time. */
export class TimelineRecorder {
  readonly timeline: Timeline;
  private readonly open = new Map<string, AttemptRecord>();
  private readonly executors: Map<string, string>;
  private readonly now: () => number;

  constructor(workflow: CompiledWorkflow, options: RecorderOptions = {}) {
    this.now = options.now ?? Date.now;
    this.executors = new Map(workflow.tasks.map((task) => [task.id, task.uses]));
    this.timeline = { runId: '', workflow: workflow.name, startedAt: this.now(), attempts: [] };
    if (options.concurrency !== undefined) this.timeline.concurrency = options.concurrency;
  }

  attach(run: RunEventSource): this {
    run.on('run:start', (e) => {
      this.timeline.runId = e.runId;
      this.timeline.startedAt = this.now();
    });
    run.on('task:queued', (e) => this.onQueued(e.taskId, e.attempt));
    run.on('task:start', (e) => this.onStart(e.taskId, e.heldBy));
    run.on('task:retry', (e) => this.close(e.taskId, 'failed', e.error, e.delayMs));
    run.on('task:finish', (e) => this.close(e.taskId, attemptStatus(e.status), e.error));
    run.on('run:finish', (e) => this.onRunFinish(e.result.status, e.result.tasks));
    return this;
  }

  private onQueued(taskId: string, attempt: number): void {
    const record: AttemptRecord = {
      taskId,
      attempt,
      executor: this.executors.get(baseTaskId(taskId)) ?? 'unknown',
      queuedAt: this.now(),
      status: 'running',
    };
    this.open.set(taskId, record);
    this.timeline.attempts.push(record);
  }

  private onStart(taskId: string, heldBy: Record<string, number> | undefined): void {
    const record = this.open.get(taskId);
    if (!record) return;
    record.startedAt = this.now();
    if (heldBy && Object.keys(heldBy).length > 0) record.heldBy = { ...heldBy };
  }

  private close(taskId: string, status: AttemptStatus, error: TaskErrorInfo | undefined, backoffMs?: number): void {
    const record = this.open.get(taskId);
    if (!record) return;
    this.open.delete(taskId);
    record.finishedAt = this.now();
    record.status = status;
    if (error) record.error = error;
    if (backoffMs !== undefined) record.backoffMs = backoffMs;
  }

  /** Attempts still open when the run stops are waiting for a person, or were cut off. */
  private onRunFinish(status: RunStatus, tasks: Record<string, { status: TaskStatus }>): void {
    for (const taskId of [...this.open.keys()]) {
      this.close(taskId, tasks[taskId]?.status === 'waiting' ? 'waiting' : 'cancelled', undefined);
    }
    this.timeline.finishedAt = this.now();
    this.timeline.status = status;
  }
}

function attemptStatus(status: TaskStatus): AttemptStatus {
  if (status === 'succeeded' || status === 'failed' || status === 'waiting') return status;
  return 'cancelled';
}
