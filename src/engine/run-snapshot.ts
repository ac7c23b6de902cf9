/** A run's result as plain data: what `run.result`, the store and `weft run --json` hold. */
import type { TaskNode } from './task-node.js';
import type { RunResult, RunStatus, TaskResult } from './types.js';

/** forEach instances are listed right after their aggregate. */
export function runSnapshot(
  runId: string,
  workflow: string,
  status: RunStatus,
  startedAt: Date,
  inputs: Record<string, unknown>,
  nodes: readonly TaskNode[],
): RunResult {
  const tasks: Record<string, TaskResult> = {};
  for (const node of nodes) {
    tasks[node.id] = { ...node.result };
    for (const instance of node.instances ?? []) tasks[instance.id] = { ...instance.result };
  }
  return { runId, workflow, status, startedAt: startedAt.toISOString(), inputs, outputs: {}, tasks };
}
