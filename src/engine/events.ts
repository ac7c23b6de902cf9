/** The typed event map every run emits. Task events carry `runId` and `taskId`. */
import type { LogStream } from './executor.js';
import type { RunResult, TaskErrorInfo, TaskStatus } from './types.js';

export interface TaskTimings {
  /** When the task became ready to run (its trigger rule met). */
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Time between ready and the first attempt's start. */
  queueWaitMs?: number;
}

export interface RunEvents {
  'run:start': { runId: string; workflow: string; inputs: Record<string, unknown>; taskCount: number };
  'run:finish': { runId: string; workflow: string; result: RunResult };
  'task:queued': { runId: string; taskId: string; attempt: number };
  'task:start': {
    runId: string;
    taskId: string;
    attempt: number;
    maxAttempts: number;
    /** Ms this attempt waited on each limit (pool or concurrency cap) before it started, by limit name. */
    heldBy?: Record<string, number>;
  };
  /** Another attempt follows; `fallback` names the executor when the task's fallback takes over. */
  'task:retry': { runId: string; taskId: string; attempt: number; delayMs: number; error: TaskErrorInfo; fallback?: string };
  'task:finish': {
    runId: string;
    taskId: string;
    status: TaskStatus;
    attempts: number;
    outputs?: unknown;
    error?: TaskErrorInfo;
    skipReason?: string;
    timings: TaskTimings;
  };
  'task:log': { runId: string; taskId: string; attempt: number; stream: LogStream; line: string; at: string };
}

export type RunEventName = keyof RunEvents;

/** eventemitter3's listener map for `RunEvents`. */
export type RunEventListeners = { [K in RunEventName]: (payload: RunEvents[K]) => void };
