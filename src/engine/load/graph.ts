/**
 * The task graph: order, cycles, ancestry and critical path. Tasks are numbered by
 * their position in the file. Every walk here is iterative, because a workflow may
 * be a chain 100,000 tasks long.
 */
import type { CompiledWorkflow, DependentTable } from '../types.js';

/** For each task, the indexes of the tasks it needs: as the loader resolved them, or worked out from the ids. */
export function needIndexes(workflow: Pick<CompiledWorkflow, 'tasks' | 'needIndexes'>): readonly (readonly number[])[] {
  if (workflow.needIndexes) return workflow.needIndexes;
  const index = new Map(workflow.tasks.map((task, i) => [task.id, i]));
  return workflow.tasks.map((task) => task.needs.map((need) => index.get(need)!));
}

/** Each task's dependents in two flat arrays, in file order: one allocation for the whole graph, read in sequence. */
export function dependentTable(needs: readonly (readonly number[])[]): DependentTable {
  const start = new Int32Array(needs.length + 1);
  for (const list of needs) for (const need of list) start[need + 1]!++;
  for (let task = 0; task < needs.length; task++) start[task + 1]! += start[task]!;
  const list = new Int32Array(start[needs.length]!);
  const next = start.slice(0, needs.length);
  needs.forEach((taskNeeds, task) => {
    for (const need of taskNeeds) list[next[need]!++] = task;
  });
  return { start, list };
}

export class TaskGraph {
  /** For each task, the tasks it runs after. */
  readonly dependents: number[][];

  constructor(
    /** For each task, the tasks it needs (no duplicates, no self-edges). */
    readonly needs: readonly (readonly number[])[],
  ) {
    this.dependents = needs.map(() => []);
    needs.forEach((list, task) => list.forEach((need) => this.dependents[need]!.push(task)));
  }

  get size(): number {
    return this.needs.length;
  }

  /**
   * Tasks in an order where each comes after all it needs (file order among equals),
   * or the cycles that make such an order impossible.
   */
  sort(): { order: number[]; cycles: number[][] } {
    const waiting = this.needs.map((list) => list.length);
    const order: number[] = [];
    for (let task = 0; task < this.size; task++) if (waiting[task] === 0) order.push(task);
    for (let next = 0; next < order.length; next++) {
      for (const dependent of this.dependents[order[next]!]!) {
        if (--waiting[dependent]! === 0) order.push(dependent);
      }
    }
    return { order, cycles: order.length === this.size ? [] : this.findCycles(waiting) };
  }

  /**
   * One cycle per group of tasks stuck waiting. A stuck task always needs another
   * stuck task, so following such needs must come back on itself.
   */
  private findCycles(waiting: readonly number[]): number[][] {
    const walkOf = new Int32Array(this.size).fill(-1);
    const stepOf = new Int32Array(this.size);
    const cycles: number[][] = [];
    for (let start = 0; start < this.size; start++) {
      if (waiting[start] === 0 || walkOf[start] !== -1) continue;
      const walk: number[] = [];
      let task = start;
      while (walkOf[task] === -1) {
        walkOf[task] = start;
        stepOf[task] = walk.length;
        walk.push(task);
        task = this.needs[task]!.find((need) => waiting[need]! > 0)!;
      }
      if (walkOf[task] === start) cycles.push(rotateToFirst(walk.slice(stepOf[task])));
    }
    return cycles;
  }

  /**
   * For each task, its estimate plus the longest chain of estimates among the tasks
   * that (transitively) need it.
   */
  criticalPath(order: readonly number[], estimate: (task: number) => number): number[] {
    const path = new Array<number>(this.size).fill(0);
    for (let i = order.length - 1; i >= 0; i--) {
      const task = order[i]!;
      let longest = 0;
      for (const dependent of this.dependents[task]!) longest = Math.max(longest, path[dependent]!);
      path[task] = estimate(task) + longest;
    }
    return path;
  }

  /**
   * For each (reader, target) pair, whether the reader needs the target directly or
   * through other tasks. Targets asked about by many readers are answered with one
   * walk down from the target; others with a walk up from the reader that stops at
   * tasks ordered before the target, which cannot lead to it.
   */
  reaches(pairs: ReadonlyArray<{ reader: number; target: number }>, order: readonly number[]): boolean[] {
    const rank = new Int32Array(this.size);
    order.forEach((task, position) => (rank[task] = position));
    const answers = pairs.map(({ reader, target }) => this.needs[reader]!.includes(target));
    const byTarget = new Map<number, number[]>();
    pairs.forEach(({ target }, i) => {
      if (answers[i]) return;
      const asked = byTarget.get(target);
      if (asked) asked.push(i);
      else byTarget.set(target, [i]);
    });
    const mark = new Int32Array(this.size).fill(-1);
    let stamp = 0;
    for (const [target, asked] of byTarget) {
      if (asked.length >= MANY_READERS) {
        this.walk(target, this.dependents, mark, ++stamp, () => true);
        for (const i of asked) answers[i] = mark[pairs[i]!.reader] === stamp;
        continue;
      }
      for (const i of asked) {
        const minRank = rank[target]!;
        this.walk(pairs[i]!.reader, this.needs, mark, ++stamp, (task) => rank[task]! >= minRank);
        answers[i] = mark[target] === stamp;
      }
    }
    return answers;
  }

  /** Marks with `stamp` every task reachable from `from` along `edges`, entering only tasks that pass `enter`. */
  private walk(from: number, edges: readonly (readonly number[])[], mark: Int32Array, stamp: number, enter: (task: number) => boolean): void {
    const stack = [from];
    mark[from] = stamp;
    while (stack.length > 0) {
      for (const next of edges[stack.pop()!]!) {
        if (mark[next] === stamp || !enter(next)) continue;
        mark[next] = stamp;
        stack.push(next);
      }
    }
  }
}

/** Readers of one target above which a single walk down from the target is cheaper. */
const MANY_READERS = 8;

/** The cycle starting from its task that comes first in the file. */
function rotateToFirst(cycle: number[]): number[] {
  const first = cycle.reduce((best, task, i) => (task < cycle[best]! ? i : best), 0);
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}
