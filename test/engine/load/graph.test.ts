import { describe, expect, it } from 'vitest';
import { TaskGraph } from '../../../src/engine/load/graph.js';

describe('TaskGraph', () => {
  it('orders tasks after what they need, in file order among equals', () => {
    const graph = new TaskGraph([[2], [], [], [0, 1]]);
    expect(graph.sort()).toEqual({ order: [1, 2, 0, 3], cycles: [] });
  });

  it('finds each cycle once, starting from its first task in the file', () => {
    // 0 → 1 → 2 → 0 is a cycle; 3 waits on it without being in it; 4 ↔ 5 is another.
    const graph = new TaskGraph([[1], [2], [0], [0], [5], [4], []]);
    const { order, cycles } = graph.sort();
    expect(order).toEqual([6]);
    expect(cycles).toEqual([
      [0, 1, 2],
      [4, 5],
    ]);
  });

  it('computes the critical path from estimates', () => {
    //   0 ─┬─ 1 ── 3
    //      └─ 2 ──┘
    const graph = new TaskGraph([[], [0], [0], [1, 2]]);
    const { order } = graph.sort();
    const estimates = [10, 5, 20, 1];
    expect(graph.criticalPath(order, (task) => estimates[task]!)).toEqual([31, 6, 21, 1]);
  });

  it('tells whether a task needs another, directly or not', () => {
    const graph = new TaskGraph([[], [0], [1], [], [2, 3]]);
    const { order } = graph.sort();
    const pairs = [
      { reader: 2, target: 1 },
      { reader: 2, target: 0 },
      { reader: 4, target: 0 },
      { reader: 1, target: 3 },
      { reader: 3, target: 0 },
    ];
    expect(graph.reaches(pairs, order)).toEqual([true, true, true, false, false]);
  });

  it('answers many readers of one target, near and far', () => {
    const length = 50;
    const graph = new TaskGraph(Array.from({ length: length + 1 }, (_, i) => (i === 0 || i === length ? [] : [i - 1])));
    const { order } = graph.sort();
    const pairs = Array.from({ length: length + 1 }, (_, reader) => ({ reader, target: 0 })).slice(1);
    const answers = graph.reaches(pairs, order);
    expect(answers.slice(0, -1).every(Boolean)).toBe(true);
    expect(answers[answers.length - 1]).toBe(false);
  });

  it('handles a 100,000-task chain and a 100,000-task cycle without recursion', () => {
    const n = 100_000;
    const chain = new TaskGraph(Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1])));
    const { order } = chain.sort();
    expect(chain.criticalPath(order, () => 1)[0]).toBe(n);
    expect(chain.reaches([{ reader: n - 1, target: 0 }], order)).toEqual([true]);

    const ring = new TaskGraph(Array.from({ length: n }, (_, i) => [(i + 1) % n]));
    const { cycles } = ring.sort();
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(n);
    expect(cycles[0]![0]).toBe(0);
  });
});
