/**
 * The DAGs every contender runs. A DAG is a list of dependency lists: task `i`
 * needs the tasks in `deps[i]`, all with smaller indices, so index order is a
 * topological order. Generation is seeded, so every contender and repetition
 * runs the very same graph.
 */
import type { TaskDefinition, WorkflowDefinition } from '../src/index.js';

export const SHAPES = ['chain', 'fanout', 'layered', 'lattice'] as const;
export type Shape = (typeof SHAPES)[number];

export interface Dag {
  shape: Shape;
  deps: number[][];
}

/** How far back a task of the random layered DAG may reach for its dependencies. */
const LAYERED_WINDOW = 64;

/** mulberry32: a tiny seeded PRNG, good enough to draw graphs reproducibly. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeDag(shape: Shape, size: number, seed = 1): Dag {
  switch (shape) {
    case 'chain':
      return { shape, deps: chain(size) };
    case 'fanout':
      return { shape, deps: fanout(size) };
    case 'layered':
      return { shape, deps: layered(size, random(seed)) };
    case 'lattice':
      return { shape, deps: lattice(size) };
  }
}

function chain(size: number): number[][] {
  return Array.from({ length: size }, (_, i) => (i === 0 ? [] : [i - 1]));
}

/** One root, `size - 2` tasks that need only it, and one sink that needs them all. */
function fanout(size: number): number[][] {
  const deps: number[][] = [[]];
  for (let i = 1; i < size - 1; i++) deps.push([0]);
  deps.push(Array.from({ length: size - 2 }, (_, i) => i + 1));
  return deps;
}

/** Each task needs 1–3 distinct tasks among the `window` before it. */
export function layered(size: number, rand: () => number, window = LAYERED_WINDOW): number[][] {
  const deps: number[][] = [[]];
  for (let i = 1; i < size; i++) {
    const lo = Math.max(0, i - window);
    const wanted = Math.min(i - lo, 1 + Math.floor(rand() * 3));
    const picked = new Set<number>();
    while (picked.size < wanted) picked.add(lo + Math.floor(rand() * (i - lo)));
    deps.push([...picked].sort((a, b) => a - b));
  }
  return deps;
}

/** A square grid in row-major order: each cell needs the cell above and the cell to its left. */
function lattice(size: number): number[][] {
  const width = Math.max(1, Math.round(Math.sqrt(size)));
  return Array.from({ length: size }, (_, i) => {
    const deps: number[] = [];
    if (i >= width) deps.push(i - width);
    if (i % width !== 0) deps.push(i - 1);
    return deps;
  });
}

/** The DAG as a weft workflow: task `t<i>`, echo executor, `needs` as written. */
export function toYaml(dag: Dag, concurrency: number | undefined, name = `bench-${dag.shape}`): string {
  const lines = [`name: ${name}`];
  if (concurrency !== undefined) lines.push(`concurrency: ${concurrency}`);
  lines.push('tasks:');
  dag.deps.forEach((deps, i) => {
    const needs = deps.length === 0 ? '' : `, needs: [${deps.map((d) => `t${d}`).join(', ')}]`;
    lines.push(`  t${i}: { uses: echo${needs} }`);
  });
  return `${lines.join('\n')}\n`;
}

/** The DAG as a weft workflow definition, the object `toYaml` writes out: for `engine.define`, with no text to parse. */
export function toDefinition(dag: Dag, concurrency: number | undefined, name = `bench-${dag.shape}`): WorkflowDefinition {
  const tasks: Record<string, TaskDefinition> = {};
  dag.deps.forEach((deps, i) => {
    tasks[`t${i}`] = deps.length === 0 ? { uses: 'echo' } : { uses: 'echo', needs: deps.map((d) => `t${d}`) };
  });
  return concurrency === undefined ? { name, tasks } : { name, concurrency, tasks };
}

/** Every edge once, as `[from, to]` pairs (p-graph's input). */
export function edges(dag: Dag): [number, number][] {
  const out: [number, number][] = [];
  dag.deps.forEach((deps, i) => {
    for (const d of deps) out.push([d, i]);
  });
  return out;
}
