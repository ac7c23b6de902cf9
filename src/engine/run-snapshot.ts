/** A run's result as plain data: what `run.result`, the store and `weft run --json` hold. */
import type { TaskNode } from './task-node.js';
import type { RunDefinition, RunRecord } from './store/run-store.js';
import type { RunResult, RunStatus, TaskResult } from './types.js';

/**
 * A run's result, its `tasks` the nodes' own results (forEach instances right after
 * their aggregate), not copies, made the first time the record is read: a
 * 100,000-task run would otherwise spend about half a microsecond per task on a
 * record nobody may read. An accessor written in the literal, not added later, so
 * the object keeps a fast shape; read, spread, cloned or serialized, the record
 * behaves as an ordinary property, and a frozen result still reads it.
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

/** The record a new run hands its store: a running snapshot whose `tasks` follow the live results, and the definition to resume from. */
export function startRecord(runId: string, workflow: string, startedAt: Date, inputs: Record<string, unknown>, definition: RunDefinition | undefined, nodes: readonly TaskNode[]): RunRecord {
  const record: RunRecord = runSnapshot(runId, workflow, 'running', startedAt, inputs, nodes);
  record.definition = definition;
  return record;
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
