/** A run's result as plain data: what `run.result`, the store and `weft run --json` hold. */
import type { TaskNode } from './task-node.js';
import type { RunResult, RunStatus, TaskResult } from './types.js';

/**
 * The results are the nodes' own, not copies: the run is over and changes them no
 * more. `tasks` is made when first read (see `withLazyTasks`).
 */
export function runSnapshot(runId: string, workflow: string, status: RunStatus, startedAt: Date, inputs: Record<string, unknown>, nodes: readonly TaskNode[]): RunResult {
  return withLazyTasks({ runId, workflow, status, startedAt: startedAt.toISOString(), inputs, outputs: {} }, nodes);
}

/**
 * Gives `target` a `tasks` record of the nodes' live results (forEach instances right
 * after their aggregate), made the first time it is read or replaced by the first
 * write. A 100,000-task run would otherwise spend about half a microsecond per task
 * on a record nobody reads while it runs; read or spread, it is an ordinary property.
 */
export function withLazyTasks<T extends object>(target: T, nodes: readonly TaskNode[]): T & { tasks: Record<string, TaskResult> } {
  const settle = (tasks: Record<string, TaskResult>): Record<string, TaskResult> => {
    // A caller may have frozen the object: then the record is made again at each read, rather than kept.
    if (Object.isExtensible(target)) Object.defineProperty(target, 'tasks', { value: tasks, writable: true, enumerable: true, configurable: true });
    return tasks;
  };
  return Object.defineProperty(target, 'tasks', {
    get: () => settle(tasksOf(nodes)),
    set: settle,
    enumerable: true,
    configurable: true,
  }) as T & { tasks: Record<string, TaskResult> };
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
