/** A run's result as plain data: what `run.result`, the store and `weft run --json` hold. */
import type { TaskNode } from './task-node.js';
import type { RunDefinition, RunRecord } from './store/run-store.js';
import type { RunResult, RunStatus, TaskResult } from './types.js';

/**
 * The results are the nodes' own, not copies: the run is over and changes them no
 * more. Like the record a run starts with, its `tasks` is made when first read.
 */
export function runSnapshot(runId: string, workflow: string, status: RunStatus, startedAt: Date, inputs: Record<string, unknown>, nodes: readonly TaskNode[]): RunResult {
  let tasks: Record<string, TaskResult> | undefined;
  return {
    runId,
    workflow,
    status,
    startedAt: startedAt.toISOString(),
    inputs,
    outputs: {},
    get tasks() {
      return (tasks ??= tasksOf(nodes));
    },
    set tasks(value) {
      tasks = value;
    },
  };
}

/**
 * The record a new run hands its store, whose `tasks` are the nodes' live results
 * (forEach instances right after their aggregate), made the first time it is read:
 * a 100,000-task run would otherwise spend about half a microsecond per task on a
 * record nobody reads while it runs. An accessor written in the literal, not added
 * later, so the object keeps a fast shape; read, spread, cloned or serialized, the
 * record behaves as an ordinary property, and a frozen result still reads it.
 */
export function startRecord(runId: string, workflow: string, startedAt: Date, inputs: Record<string, unknown>, definition: RunDefinition | undefined, nodes: readonly TaskNode[]): RunRecord {
  let tasks: Record<string, TaskResult> | undefined;
  return {
    runId,
    workflow,
    status: 'running',
    startedAt: startedAt.toISOString(),
    inputs,
    outputs: {},
    definition,
    get tasks() {
      return (tasks ??= tasksOf(nodes));
    },
    set tasks(value) {
      tasks = value;
    },
  };
}

/** The patch that ends a run, for a store that already holds the live results: everything but `tasks`, which is not made. */
export function withoutTasks(result: RunResult): Partial<RunResult> {
  const patch: Partial<RunResult> = {};
  for (const key in result) if (key !== 'tasks') (patch as Record<string, unknown>)[key] = (result as unknown as Record<string, unknown>)[key];
  return patch;
}

function tasksOf(nodes: readonly TaskNode[]): Record<string, TaskResult> {
  const tasks: Record<string, TaskResult> = {};
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    tasks[node.id] = node.result;
    const instances = node.instances;
    if (instances) for (const instance of instances) tasks[instance.id] = instance.result;
  }
  return tasks;
}
