/**
 * List scheduling without overhead, for the makespan analysis
 * (`bench/makespan-trace.ts`, `bench/makespan-rules.ts`): what a priority rule is
 * worth on its own, apart from the time an engine spends between tasks.
 */
import type { WeightedDag } from './makespan.js';

export const CONCURRENCY = 4;

/** Bottom levels: a task's duration plus the longest chain of durations after it (weft's and p-graph's rank). */
export function bottomLevels(dag: WeightedDag): number[] {
  const dependents = dependentsOf(dag);
  const level = new Array<number>(dag.deps.length).fill(0);
  for (let i = dag.deps.length - 1; i >= 0; i--) {
    let longest = 0;
    for (const d of dependents[i]!) longest = Math.max(longest, level[d]!);
    level[i] = dag.durations[i]! + longest;
  }
  return level;
}

export function dependentsOf(dag: WeightedDag): number[][] {
  const dependents: number[][] = dag.deps.map(() => []);
  dag.deps.forEach((deps, i) => deps.forEach((d) => dependents[d]!.push(i)));
  return dependents;
}

/** List scheduling with no overhead: whenever a slot is free, the ready task that `before` puts first starts. */
export function simulate(dag: WeightedDag, taken: ArrayLike<number>, before: (a: number, b: number) => boolean, concurrency = CONCURRENCY): { makespan: number; order: number[] } {
  const dependents = dependentsOf(dag);
  const waiting = dag.deps.map((d) => d.length);
  const ready: number[] = dag.deps.flatMap((d, i) => (d.length === 0 ? [i] : []));
  const running: { task: number; end: number }[] = [];
  const order: number[] = [];
  let now = 0;
  while (ready.length > 0 || running.length > 0) {
    while (running.length < concurrency && ready.length > 0) {
      let best = 0;
      for (let i = 1; i < ready.length; i++) if (before(ready[i]!, ready[best]!)) best = i;
      const task = ready.splice(best, 1)[0]!;
      order.push(task);
      running.push({ task, end: now + taken[task]! });
    }
    running.sort((a, b) => a.end - b.end);
    const done = running.shift()!;
    now = done.end;
    for (const d of dependents[done.task]!) if (--waiting[d]! === 0) ready.push(d);
  }
  return { makespan: now, order };
}

