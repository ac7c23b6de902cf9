/**
 * forEach: when a task's trigger rule is met, its list is evaluated and one
 * instance (`id[i]`) runs per item. The aggregate `id` ends when all instances
 * have: `failed` if any failed, `cancelled` if any was cancelled, `skipped` if all
 * were skipped, else `succeeded`; its outputs are the instances' outputs in order.
 */
import { ErrorCodes, TaskError } from './errors.js';
import type { Run } from './run.js';
import { TaskNode } from './task-node.js';
import type { TaskStatus, Template } from './types.js';

export function expand(run: Run, node: TaskNode, forEach: Template<unknown[]>): void {
  let items: unknown;
  try {
    items = run.evaluate(node, forEach, {});
  } catch (error) {
    return run.complete(node, 'failed', { error: TaskError.from(error).toJSON() });
  }
  if (!Array.isArray(items)) {
    const error = new TaskError(ErrorCodes.EXPRESSION_ERROR, `forEach must give a list, got ${items === null ? 'null' : typeof items}`);
    return run.complete(node, 'failed', { error: error.toJSON() });
  }
  if (items.length === 0) return run.complete(node, 'succeeded', { outputs: [] });
  node.instances = items.map((item, i) => TaskNode.instance(node, i, item));
  node.openInstances = items.length;
  run.transition(node, 'running');
  const fresh: TaskNode[] = [];
  for (const instance of node.instances) {
    instance.readyAtMs = node.readyAtMs;
    if (run.adopt(instance)) node.openInstances--;
    else fresh.push(instance);
  }
  if (node.openInstances === 0) return completeAggregate(run, node);
  for (const instance of fresh) run.queue(instance);
}

export function completeAggregate(run: Run, node: TaskNode): void {
  const instances = node.instances!;
  const failed = instances.find((i) => i.result.status === 'failed');
  const statuses = new Set(instances.map((i) => i.result.status));
  let status: TaskStatus = 'succeeded';
  if (failed) status = 'failed';
  else if (statuses.has('cancelled')) status = 'cancelled';
  else if (statuses.size === 1 && statuses.has('skipped')) status = 'skipped';
  node.startedAtMs = instances.reduce<number | undefined>((first, i) => (i.startedAtMs !== undefined && (first === undefined || i.startedAtMs < first) ? i.startedAtMs : first), undefined);
  run.complete(node, status, {
    outputs: instances.map((i) => i.result.outputs ?? null),
    attempts: instances.reduce((sum, i) => sum + i.result.attempts, 0),
    startedAt: node.startedAtMs === undefined ? undefined : new Date(run.epoch + node.startedAtMs).toISOString(),
    error: failed?.result.error,
  });
}
