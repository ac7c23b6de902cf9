/**
 * The critical path of a run as it happened: the chain of dependent tasks whose
 * measured spans add up to the most time.
 */
import type { CriticalPath, TaskInsight, WorkflowGraph } from './insights.js';
import { baseTaskId } from './timeline.js';

/**
 * The chain of dependent tasks with the largest summed span. A forEach task's
 * instances stand in for it: each depends on the task's needs, and the task's
 * dependents depend on every instance.
 */
export function findCriticalPath(tasks: ReadonlyMap<string, Pick<TaskInsight, 'taskId' | 'spanMs'>>, workflow: WorkflowGraph): CriticalPath {
  const nodesOf = new Map<string, string[]>();
  for (const taskId of tasks.keys()) {
    const base = baseTaskId(taskId);
    const nodes = nodesOf.get(base);
    if (nodes) nodes.push(taskId);
    else nodesOf.set(base, [taskId]);
  }
  const needsOf = new Map(workflow.tasks.map((task) => [task.id, task.needs]));
  const upstream = (taskId: string): string[] => (needsOf.get(baseTaskId(taskId)) ?? []).flatMap((need) => nodesOf.get(need) ?? []);
  const best = new Map<string, { ms: number; via?: string }>();
  const order = topological([...tasks.keys()], upstream);
  for (const taskId of order) {
    let via: string | undefined;
    let before = 0;
    for (const up of upstream(taskId)) {
      const ms = best.get(up)!.ms;
      // `via === undefined`: an upstream that took no time (an instant echo) is still on the chain.
      if (via === undefined || ms > before) [before, via] = [ms, up];
    }
    best.set(taskId, { ms: before + tasks.get(taskId)!.spanMs, via });
  }
  let end: string | undefined;
  let longest = 0;
  for (const taskId of order) {
    const ms = best.get(taskId)!.ms;
    // On a tie the downstream task wins, so zero-length tasks at the end stay on the path.
    if (end === undefined || ms >= longest) [end, longest] = [taskId, ms];
  }
  const path: string[] = [];
  for (let at = end; at !== undefined; at = best.get(at)!.via) path.unshift(at);
  return { tasks: path, ms: longest };
}

/** Upstreams before downstreams, without recursion (chains may be long). */
function topological(ids: string[], upstream: (id: string) => string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: [string, number][] = [[root, 0]];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const ups = upstream(top[0]);
      const next = ups[top[1]++];
      if (next === undefined) {
        stack.pop();
        state.set(top[0], 'done');
        order.push(top[0]);
      } else if (!state.has(next)) {
        state.set(next, 'open');
        stack.push([next, 0]);
      }
    }
  }
  return order;
}
