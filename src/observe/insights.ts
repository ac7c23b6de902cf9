/**
 * Why a run took as long as it did, computed from its timeline and its graph:
 * the critical path, where each task's time went (queue wait, running, retry
 * back-off), which limits held tasks back, the slowest executors, what retries
 * cost, and how far the makespan is from its lower bound
 * `max(critical path, total work / concurrency)`. Pure functions: no clock, no I/O.
 */
import type { CompiledTask } from '../engine/types.js';
import { findCriticalPath } from './critical-path.js';
import type { AttemptRecord, AttemptStatus, Timeline } from './timeline.js';

/** What insights need of a workflow: its tasks' dependencies. A `CompiledWorkflow` is one. */
export interface WorkflowGraph {
  tasks: readonly Pick<CompiledTask, 'id' | 'needs'>[];
}

export interface TaskInsight {
  taskId: string;
  executor: string;
  attempts: number;
  /** The last attempt's status. */
  status: AttemptStatus;
  /** First queued → last finished. */
  firstQueuedAt: number;
  lastFinishedAt?: number;
  /** Summed over attempts: queued → started. */
  queueWaitMs: number;
  /** Summed over attempts: started → finished. */
  runMs: number;
  /** Summed gaps between a failed attempt and the next one being queued. */
  backoffMs: number;
  /** First attempt's start → last attempt's end: the task's weight on the critical path. */
  spanMs: number;
  /** Ms held back by each limit, summed over attempts. */
  heldBy: Record<string, number>;
  onCriticalPath: boolean;
}

export interface CriticalPath {
  /** In run order. */
  tasks: string[];
  ms: number;
}

export interface LimitInsight {
  /** A resource pool's name, `concurrency`, `maxConcurrency` or `executor NAME`. */
  name: string;
  /** Attempts it held back. */
  attemptsHeld: number;
  /** Held time summed over attempts. */
  totalHeldMs: number;
  longestHeldMs: number;
  /** Wall time during which at least one attempt was held by it. */
  saturatedMs: number;
  /** `saturatedMs` as a share of the makespan, 0–1. */
  saturation: number;
}

export interface ExecutorInsight {
  executor: string;
  attempts: number;
  failures: number;
  totalRunMs: number;
  meanRunMs: number;
  maxRunMs: number;
}

export interface RetryInsight {
  /** Tasks that needed more than one attempt. */
  retriedTasks: number;
  /** Attempts beyond each task's first. */
  extraAttempts: number;
  /** Run time of attempts that failed and were retried: work thrown away. */
  wastedRunMs: number;
  backoffMs: number;
  /** `wastedRunMs + backoffMs`. */
  costMs: number;
}

export interface RunInsights {
  runId: string;
  workflow: string;
  makespanMs: number;
  /** Run time summed over every attempt. */
  totalWorkMs: number;
  /** Undefined when nothing capped how many tasks ran at once. */
  concurrency?: number;
  /** `max(criticalPath.ms, totalWorkMs / concurrency)`. */
  lowerBoundMs: number;
  /** `lowerBoundMs / makespanMs`, 0–1: how close the run came to the best it could do. */
  efficiency: number;
  /** Most attempts running at the same time. */
  peakRunning: number;
  criticalPath: CriticalPath;
  /** Longest span first. */
  tasks: TaskInsight[];
  /** Most held time first. */
  limits: LimitInsight[];
  /** Slowest mean first. */
  executors: ExecutorInsight[];
  retries: RetryInsight;
}

export function computeInsights(timeline: Timeline, workflow: WorkflowGraph): RunInsights {
  const tasks = taskInsights(timeline.attempts);
  const makespanMs = makespan(timeline);
  const criticalPath = findCriticalPath(tasks, workflow);
  const onPath = new Set(criticalPath.tasks);
  for (const task of tasks.values()) task.onCriticalPath = onPath.has(task.taskId);
  const totalWorkMs = sum([...tasks.values()].map((task) => task.runMs));
  const { concurrency } = timeline;
  const lowerBoundMs = Math.max(criticalPath.ms, concurrency === undefined ? 0 : totalWorkMs / concurrency);
  const insights: RunInsights = {
    runId: timeline.runId,
    workflow: timeline.workflow,
    makespanMs,
    totalWorkMs,
    lowerBoundMs,
    efficiency: makespanMs === 0 ? 1 : Math.min(1, lowerBoundMs / makespanMs),
    peakRunning: peakRunning(timeline.attempts),
    criticalPath,
    tasks: [...tasks.values()].sort((a, b) => b.spanMs - a.spanMs || a.firstQueuedAt - b.firstQueuedAt),
    limits: limitInsights(timeline.attempts, makespanMs),
    executors: executorInsights(timeline.attempts),
    retries: retryInsight(timeline.attempts, tasks),
  };
  if (concurrency !== undefined) insights.concurrency = concurrency;
  return insights;
}

/** The run's wall time: recorded start and end, or the attempts' extent while it is still going. */
export function makespan(timeline: Timeline): number {
  const ends = timeline.attempts.map((a) => a.finishedAt ?? a.startedAt ?? a.queuedAt);
  const end = timeline.finishedAt ?? Math.max(timeline.startedAt, ...ends);
  return Math.max(0, end - timeline.startedAt);
}

function taskInsights(attempts: readonly AttemptRecord[]): Map<string, TaskInsight> {
  const byTask = groupBy(attempts, (a) => a.taskId);
  const insights = new Map<string, TaskInsight>();
  for (const [taskId, list] of byTask) {
    list.sort((a, b) => a.attempt - b.attempt);
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const heldBy: Record<string, number> = {};
    for (const a of list) for (const [limit, ms] of Object.entries(a.heldBy ?? {})) heldBy[limit] = (heldBy[limit] ?? 0) + ms;
    const firstStart = list.find((a) => a.startedAt !== undefined)?.startedAt;
    const insight: TaskInsight = {
      taskId,
      executor: first.executor,
      attempts: Math.max(list.length, last.attempt),
      status: last.status,
      firstQueuedAt: first.queuedAt,
      queueWaitMs: sum(list.map((a) => (a.startedAt ?? a.finishedAt ?? a.queuedAt) - a.queuedAt)),
      runMs: sum(list.map(runTime)),
      backoffMs: sum(list.map((a, i) => backoffOf(a, list[i + 1]))),
      spanMs: firstStart === undefined || last.finishedAt === undefined ? 0 : last.finishedAt - firstStart,
      heldBy,
      onCriticalPath: false,
    };
    if (last.finishedAt !== undefined) insight.lastFinishedAt = last.finishedAt;
    insights.set(taskId, insight);
  }
  return insights;
}

function runTime(a: AttemptRecord): number {
  return a.startedAt === undefined || a.finishedAt === undefined ? 0 : a.finishedAt - a.startedAt;
}

/** The gap actually spent backing off: until the next attempt was queued, or the planned delay. */
function backoffOf(a: AttemptRecord, next: AttemptRecord | undefined): number {
  if (a.backoffMs === undefined) return 0;
  if (next && a.finishedAt !== undefined) return Math.max(0, next.queuedAt - a.finishedAt);
  return a.backoffMs;
}

function limitInsights(attempts: readonly AttemptRecord[], makespanMs: number): LimitInsight[] {
  const intervals = new Map<string, [number, number][]>();
  const totals = new Map<string, { attemptsHeld: number; totalHeldMs: number; longestHeldMs: number }>();
  for (const a of attempts) {
    for (const [name, ms] of Object.entries(a.heldBy ?? {})) {
      const total = totals.get(name) ?? { attemptsHeld: 0, totalHeldMs: 0, longestHeldMs: 0 };
      total.attemptsHeld++;
      total.totalHeldMs += ms;
      total.longestHeldMs = Math.max(total.longestHeldMs, ms);
      totals.set(name, total);
      // A parked attempt starts as soon as the limit lets it go, so it was held just before it started.
      const end = a.startedAt ?? a.finishedAt ?? a.queuedAt;
      const list = intervals.get(name);
      if (list) list.push([end - ms, end]);
      else intervals.set(name, [[end - ms, end]]);
    }
  }
  return [...totals.entries()]
    .map(([name, total]) => {
      const saturatedMs = unionLength(intervals.get(name) ?? []);
      return { name, ...total, saturatedMs, saturation: makespanMs === 0 ? 0 : Math.min(1, saturatedMs / makespanMs) };
    })
    .sort((a, b) => b.totalHeldMs - a.totalHeldMs || a.name.localeCompare(b.name));
}

/** Total length covered by a set of intervals. */
export function unionLength(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of sorted) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

function executorInsights(attempts: readonly AttemptRecord[]): ExecutorInsight[] {
  const started = attempts.filter((a) => a.startedAt !== undefined && a.finishedAt !== undefined);
  return [...groupBy(started, (a) => a.executor)]
    .map(([executor, list]) => {
      const times = list.map(runTime);
      const totalRunMs = sum(times);
      return {
        executor,
        attempts: list.length,
        failures: list.filter((a) => a.status === 'failed').length,
        totalRunMs,
        meanRunMs: totalRunMs / list.length,
        maxRunMs: Math.max(...times),
      };
    })
    .sort((a, b) => b.meanRunMs - a.meanRunMs || a.executor.localeCompare(b.executor));
}

function retryInsight(attempts: readonly AttemptRecord[], tasks: ReadonlyMap<string, TaskInsight>): RetryInsight {
  const retried = [...tasks.values()].filter((task) => task.attempts > 1);
  const wastedRunMs = sum(attempts.filter((a) => a.backoffMs !== undefined).map(runTime));
  const backoffMs = sum(retried.map((task) => task.backoffMs));
  return {
    retriedTasks: retried.length,
    extraAttempts: sum(retried.map((task) => task.attempts - 1)),
    wastedRunMs,
    backoffMs,
    costMs: wastedRunMs + backoffMs,
  };
}

/** The most attempts running at one instant. An attempt ending frees its slot before one starting at the same ms takes it. */
export function peakRunning(attempts: readonly AttemptRecord[]): number {
  const edges: [number, number][] = [];
  for (const a of attempts) {
    if (a.startedAt === undefined) continue;
    edges.push([a.startedAt, 1]);
    if (a.finishedAt !== undefined) edges.push([a.finishedAt, -1]);
  }
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let running = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (running += delta));
  return peak;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
