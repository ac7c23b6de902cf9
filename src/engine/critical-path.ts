/**
 * Critical-path ranks from measured durations. The loader ranks tasks with one
 * unit each; once the store has timed a workflow's tasks, the scheduler ranks by
 * those times instead, so the longest real chain starts first.
 */
import { needIndexes, TaskGraph } from './load/graph.js';
import type { CompiledWorkflow } from './types.js';

export function withEstimates(workflow: CompiledWorkflow, estimates: ReadonlyMap<string, number>): readonly number[] {
  if (estimates.size === 0) return workflow.criticalPath;
  let total = 0;
  for (const ms of estimates.values()) total += ms;
  // Tasks never timed yet (new ones) count as an average task.
  const fallback = total / estimates.size;
  const graph = new TaskGraph(needIndexes(workflow));
  return graph.criticalPath(graph.sort().order, (i) => estimates.get(workflow.tasks[i]!.id) ?? fallback);
}
