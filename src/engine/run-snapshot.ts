/** A run's result as plain data: what `run.result`, the store and `weft run --json` hold. */
import type { TaskNode } from './task-node.js';
import type { RunResult, RunStatus, TaskResult } from './types.js';

/**
 * forEach instances are listed right after their aggregate. The results are the
 * nodes' own, not copies: the run is over and changes them no more. `startTasks`,
 * the record the run started with, is used as it is when no instances were added.
 */
export function runSnapshot(
  runId: string,
  workflow: string,
  status: RunStatus,
  startedAt: Date,
  inputs: Record<string, unknown>,
  nodes: readonly TaskNode[],
  startTasks?: Record<string, TaskResult>,
): RunResult {
  const tasks = startTasks && !nodes.some((node) => node.instances) ? startTasks : tasksOf(nodes);
  return { runId, workflow, status, startedAt: startedAt.toISOString(), inputs, outputs: {}, tasks };
}

function tasksOf(nodes: readonly TaskNode[]): Record<string, TaskResult> {
  const tasks: Record<string, TaskResult> = {};
  for (const node of nodes) {
    tasks[node.id] = node.result;
    for (const instance of node.instances ?? []) tasks[instance.id] = instance.result;
  }
  return tasks;
}
