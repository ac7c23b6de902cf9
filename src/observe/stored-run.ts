/**
 * A recorded run, gathered for insights and reports: its record, its graph,
 * its timeline (saved beside the store, or rebuilt from task results) and the
 * tail of every task's log.
 */
import { parse } from 'yaml';
import type { RunRecord, RunStore } from '../engine/store/index.js';
import type { CompiledTask } from '../engine/types.js';
import { computeInsights, type RunInsights } from './insights.js';
import { loadTimeline, timelineFromRecord } from './stored-timeline.js';
import type { Timeline } from './timeline.js';

export type TaskShape = Pick<CompiledTask, 'id' | 'needs' | 'uses'>;

export interface StoredRunView {
  run: RunRecord;
  tasks: TaskShape[];
  timeline: Timeline;
  /** False when the timeline was rebuilt from task results: no per-attempt, queue or back-off detail. */
  detailed: boolean;
  insights: RunInsights;
  logs: Record<string, string[]>;
}

export interface StoredRunSources {
  store: RunStore;
  /** The store's file: timelines are kept beside it. */
  storeFile: string;
  run: RunRecord;
  /** Compiles the run's workflow text; when absent or when it throws, the graph is read from the YAML as written. */
  compile?: (text: string, file?: string) => { tasks: readonly TaskShape[] };
  tailLines?: number;
}

export function viewStoredRun(sources: StoredRunSources): StoredRunView {
  const { run, store } = sources;
  const tasks = graphOf(run, sources.compile);
  const saved = loadTimeline(sources.storeFile, run.runId);
  const timeline = saved ?? timelineFromRecord(run, { tasks });
  const logs: Record<string, string[]> = {};
  for (const taskId of Object.keys(run.tasks)) {
    const lines = store.readLogs(run.runId, { taskId }).map((entry) => entry.line);
    if (lines.length > 0) logs[taskId] = lines.slice(-(sources.tailLines ?? 20));
  }
  return { run, tasks, timeline, detailed: saved !== undefined, insights: computeInsights(timeline, { tasks }), logs };
}

function graphOf(run: RunRecord, compile: StoredRunSources['compile']): TaskShape[] {
  const text = run.definition?.text;
  if (text === undefined) return Object.keys(run.tasks).filter((id) => !id.endsWith(']')).map((id) => ({ id, needs: [], uses: 'unknown' }));
  if (compile) {
    try {
      return [...compile(text, run.definition?.file).tasks];
    } catch {
      // The workflow may need executors from a config that moved since; its YAML still says what depends on what.
    }
  }
  return graphFromYaml(text);
}

/** Task ids, `needs` and `uses` straight from workflow YAML. */
export function graphFromYaml(text: string): TaskShape[] {
  const doc = parse(text) as { tasks?: Record<string, { needs?: string | string[]; uses?: string; run?: string } | null> } | null;
  return Object.entries(doc?.tasks ?? {}).map(([id, task]) => {
    const needs = task?.needs;
    return { id, needs: needs === undefined ? [] : Array.isArray(needs) ? needs : [needs], uses: task?.uses ?? (task?.run ? 'shell' : 'unknown') };
  });
}
