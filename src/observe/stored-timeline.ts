/**
 * Timelines of stored runs. The run store keeps each task's final state, not
 * every attempt, so the CLI writes the recorded timeline beside the store
 * (`.weft/timelines/RUN_ID.json`) when a run ends. A run without one (recorded
 * by an embedding app, or before this existed) gets a timeline rebuilt from its
 * task results: one record per task spanning all its attempts, with no queue
 * wait, back-off or limit detail.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunRecord } from '../engine/store/index.js';
import type { CompiledTask, TaskStatus } from '../engine/types.js';
import { baseTaskId, type AttemptStatus, type Timeline } from './timeline.js';

export const TIMELINES_DIR = 'timelines';

/** Where the timeline of `runId` lives beside the store file. */
export function timelinePath(storeFile: string, runId: string): string {
  return join(dirname(storeFile), TIMELINES_DIR, `${encodeURIComponent(runId)}.json`);
}

/** Written to a temporary name, then renamed, so a reader never sees half a file. */
export function saveTimeline(storeFile: string, timeline: Timeline): string {
  const file = timelinePath(storeFile, timeline.runId);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(timeline));
  renameSync(`${file}.tmp`, file);
  return file;
}

export function loadTimeline(storeFile: string, runId: string): Timeline | undefined {
  const file = timelinePath(storeFile, runId);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as Timeline;
}

/** What can be known of a run's attempts from its stored task results alone. */
export function timelineFromRecord(run: RunRecord, workflow?: { tasks: readonly Pick<CompiledTask, 'id' | 'uses'>[] }): Timeline {
  const uses = new Map(workflow?.tasks.map((task) => [task.id, task.uses]) ?? []);
  const startedAt = Date.parse(run.startedAt);
  const timeline: Timeline = { runId: run.runId, workflow: run.workflow, startedAt, status: run.status, attempts: [] };
  if (run.durationMs !== undefined) timeline.finishedAt = startedAt + run.durationMs;
  for (const [taskId, task] of Object.entries(run.tasks)) {
    if (task.startedAt === undefined || hasInstances(run, taskId)) continue;
    const taskStart = Date.parse(task.startedAt);
    const finishedAt = task.finishedAt === undefined ? undefined : Date.parse(task.finishedAt);
    timeline.attempts.push({
      taskId,
      attempt: Math.max(1, task.attempts),
      executor: uses.get(baseTaskId(taskId)) ?? 'unknown',
      queuedAt: taskStart,
      startedAt: taskStart,
      ...(finishedAt === undefined ? {} : { finishedAt }),
      status: attemptStatus(task.status),
      ...(task.error ? { error: task.error } : {}),
    });
  }
  return timeline;
}

function hasInstances(run: RunRecord, taskId: string): boolean {
  return run.tasks[`${taskId}[0]`] !== undefined;
}

function attemptStatus(status: TaskStatus): AttemptStatus {
  if (status === 'succeeded' || status === 'failed' || status === 'waiting') return status;
  return status === 'running' || status === 'retrying' ? 'running' : 'cancelled';
}
