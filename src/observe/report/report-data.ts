/**
 * Everything the HTML report shows, as one JSON-able value: the run, each task
 * with its error and log tail, the laid-out graph, every attempt (times relative
 * to the run's start) and the insights.
 */
import type { CompiledTask, RunResult, TaskErrorInfo, TaskStatus } from '../../engine/types.js';
import { computeInsights, type RunInsights } from '../insights.js';
import { baseTaskId, type AttemptRecord, type Timeline } from '../timeline.js';
import { layoutGraph, type GraphLayout } from './layout.js';

export interface ReportInput {
  result: RunResult;
  /** The workflow's tasks (a `CompiledWorkflow` will do). */
  workflow: { tasks: readonly Pick<CompiledTask, 'id' | 'needs' | 'uses'>[] };
  timeline: Timeline;
  /** @default computed from the timeline and workflow */
  insights?: RunInsights;
  /** The last log lines of each task (instances by their own id). */
  logs: Record<string, readonly string[]>;
  /** @default now */
  generatedAt?: string;
}

export interface ReportTask {
  id: string;
  status: TaskStatus;
  executor: string;
  attempts: number;
  durationMs?: number;
  error?: TaskErrorInfo;
  skipReason?: string;
  logTail: string[];
  critical: boolean;
  /** For a forEach task: its instances' ids. */
  instances?: string[];
  /** `executor · status · attempts · duration`, as drawn under the id in the graph. */
  subtitle: string;
}

/** An attempt with times in ms since the run started. */
export interface ReportAttempt extends Omit<AttemptRecord, 'queuedAt' | 'startedAt' | 'finishedAt'> {
  queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Ms actually spent backing off after this attempt. */
  backoffSpentMs?: number;
  critical: boolean;
}

export interface ReportData {
  run: Pick<RunResult, 'runId' | 'workflow' | 'status' | 'startedAt' | 'finishedAt' | 'durationMs' | 'error'>;
  tasks: ReportTask[];
  graph: GraphLayout;
  attempts: ReportAttempt[];
  /** The time axis's length in ms. */
  spanMs: number;
  insights: RunInsights;
  generatedAt: string;
}

export function buildReportData(input: ReportInput): ReportData {
  const { result, workflow, timeline } = input;
  const insights = input.insights ?? computeInsights(timeline, workflow);
  const critical = new Set(insights.criticalPath.tasks);
  const criticalBase = new Set(insights.criticalPath.tasks.map(baseTaskId));
  const uses = new Map(workflow.tasks.map((task) => [task.id, task.uses]));
  const ids = new Set([...workflow.tasks.map((task) => task.id), ...Object.keys(result.tasks)]);
  const tasks: ReportTask[] = [...ids].map((id) => {
    const task = result.tasks[id] ?? { status: 'pending' as const, attempts: 0 };
    const view: ReportTask = {
      id,
      status: task.status,
      executor: uses.get(baseTaskId(id)) ?? 'unknown',
      attempts: task.attempts,
      logTail: [...(input.logs[id] ?? [])],
      critical: critical.has(id) || (uses.has(id) && criticalBase.has(id)),
      subtitle: '',
    };
    if (task.durationMs !== undefined) view.durationMs = task.durationMs;
    if (task.error) view.error = task.error;
    if (task.skipReason) view.skipReason = task.skipReason;
    const instances = Object.keys(result.tasks).filter((other) => other !== id && baseTaskId(other) === id);
    if (instances.length > 0) view.instances = instances;
    view.subtitle = subtitleOf(view);
    return view;
  });
  const origin = timeline.startedAt;
  const attempts = timeline.attempts.map((a, i, all) => relative(a, origin, critical.has(a.taskId), nextAttempt(all, i)));
  const ends = attempts.map((a) => (a.finishedAt ?? a.startedAt ?? a.queuedAt) + (a.backoffSpentMs ?? 0));
  const graph = layoutGraph({
    nodes: tasks.filter((t) => uses.has(t.id)).map((t) => ({ id: t.id, title: t.instances ? `${t.id} ×${t.instances.length}` : t.id, subtitle: t.subtitle })),
    edges: workflow.tasks.flatMap((task) => task.needs.map((need) => ({ from: need, to: task.id }))),
  });
  const { runId, workflow: name, status, startedAt, finishedAt, durationMs, error } = result;
  return {
    run: { runId, workflow: name, status, startedAt, finishedAt, durationMs, error },
    tasks,
    graph,
    attempts,
    spanMs: Math.max(1, insights.makespanMs, ...ends),
    insights,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
  };
}

function subtitleOf(task: ReportTask): string {
  const parts = [task.executor, task.status];
  if (task.attempts > 1) parts.push(`${task.attempts} attempts`);
  if (task.durationMs !== undefined) parts.push(shortDuration(task.durationMs));
  return parts.join(' · ');
}

function shortDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function nextAttempt(all: readonly AttemptRecord[], i: number): AttemptRecord | undefined {
  const a = all[i]!;
  return all.find((other, j) => j > i && other.taskId === a.taskId && other.attempt === a.attempt + 1);
}

function relative(a: AttemptRecord, origin: number, critical: boolean, next: AttemptRecord | undefined): ReportAttempt {
  const view: ReportAttempt = { ...a, queuedAt: a.queuedAt - origin, critical };
  if (a.startedAt !== undefined) view.startedAt = a.startedAt - origin;
  if (a.finishedAt !== undefined) view.finishedAt = a.finishedAt - origin;
  if (a.backoffMs !== undefined && a.finishedAt !== undefined) {
    view.backoffSpentMs = next ? Math.max(0, next.queuedAt - a.finishedAt) : a.backoffMs;
  }
  return view;
}
