/**
 * Makespan quality: how close a scheduler gets to the shortest possible schedule on a
 * random DAG whose tasks sleep for known times (1–20 ms) under a concurrency limit.
 *
 * The lower bound is `max(critical path, total work / concurrency)`, computed from
 * the durations the tasks actually took (timers fire late by a little, and that is
 * not the scheduler's fault); the nominal bound, from the requested sleeps, is
 * reported beside it.
 *
 * Variants:
 * - `weft`: critical-path priority from the known durations (`LoadOptions.estimates`);
 * - `weft-unit`: what `engine.parse` gives with no estimates (every task counts 1);
 * - `weft-fifo`: `criticalPath` zeroed in the compiled workflow before starting, so
 *   the scheduler's rank falls through to file order (index order here), i.e. FIFO;
 * - `p-graph`: each node's `priority` is its duration, so p-graph's cumulative
 *   priority is the same critical path weft gets;
 * - `p-graph-plain`: no priorities, as p-graph runs by default.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGraph, type PGraphNode } from 'p-graph';
import { taskIndex } from './contenders.js';
import { edges, layered, random, type Dag } from './shapes.js';
import { defineExecutor, loadWorkflow, WorkflowEngine } from './weft.js';

export const MAKESPAN_VARIANTS = ['weft', 'weft-unit', 'weft-fifo', 'p-graph', 'p-graph-plain'] as const;
export type MakespanVariant = (typeof MAKESPAN_VARIANTS)[number];

export interface WeightedDag extends Dag {
  durations: number[];
}

export interface MakespanFigure {
  tasks: number;
  makespanMs: number;
  lowerBoundMs: number;
  ratio: number;
  nominalLowerBoundMs: number;
  nominalRatio: number;
}

/**
 * 200–500 tasks, 1–3 dependencies each on one of the 8–32 tasks before, sleeps of
 * 1–20 ms. That window puts the critical path between about half and one and a
 * half times `work / 4`: the regime where the order of ready tasks matters. (With a
 * wide window any busy scheduler is near the work bound; with a narrow one, near
 * the critical path.)
 */
export function weightedDag(seed: number): WeightedDag {
  const rand = random(seed * 7919 + 17);
  const size = 200 + Math.floor(rand() * 301);
  const deps = layered(size, rand, 8 + Math.floor(rand() * 25));
  const durations = deps.map(() => 1 + Math.floor(rand() * 20));
  return { shape: 'layered', deps, durations };
}

/** `max(longest chain of durations, total / concurrency)`. */
export function lowerBound(deps: readonly (readonly number[])[], durations: ArrayLike<number>, concurrency: number): number {
  const finish: number[] = [];
  let total = 0;
  deps.forEach((list, i) => {
    let start = 0;
    for (const d of list) start = Math.max(start, finish[d]!);
    finish[i] = start + durations[i]!;
    total += durations[i]!;
  });
  return Math.max(Math.max(...finish), total / concurrency);
}

export async function runMakespan(variant: MakespanVariant, seed: number, concurrency: number): Promise<MakespanFigure> {
  const dag = weightedDag(seed);
  const taken = new Float64Array(dag.deps.length);
  const work = async (task: number): Promise<void> => {
    const start = performance.now();
    await sleep(dag.durations[task]!);
    taken[task] = performance.now() - start;
  };
  const makespanMs = variant.startsWith('weft')
    ? await runWeft(variant, dag, concurrency, work)
    : await runPGraph(variant === 'p-graph', dag, concurrency, work);
  const bound = lowerBound(dag.deps, taken, concurrency);
  const nominal = lowerBound(dag.deps, dag.durations, concurrency);
  return { tasks: dag.deps.length, makespanMs, lowerBoundMs: bound, ratio: makespanMs / bound, nominalLowerBoundMs: nominal, nominalRatio: makespanMs / nominal };
}

function workflowText(dag: WeightedDag, concurrency: number): string {
  const lines = ['name: makespan', `concurrency: ${concurrency}`, 'tasks:'];
  dag.deps.forEach((deps, i) => {
    const needs = deps.length === 0 ? '' : `, needs: [${deps.map((d) => `t${d}`).join(', ')}]`;
    lines.push(`  t${i}: { uses: sleep${needs} }`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * A full collection just before the clock starts, for every contender: weft's YAML
 * load leaves megabytes of garbage, and a major GC inside the run would charge the
 * load (which is not timed) to the schedule. The run figures do the same.
 */
function collectLoadGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run makespan figures with --expose-gc so no contender pays for garbage made before its clock');
  gc();
}

/** Each runner returns the makespan: from being handed the loaded graph to the run's end. */
export async function runWeft(variant: MakespanVariant, dag: WeightedDag, concurrency: number, work: (task: number) => Promise<void>): Promise<number> {
  const executor = defineExecutor({ name: 'sleep', execute: (_input, ctx) => work(taskIndex(ctx.taskId)) });
  const engine = new WorkflowEngine({ builtins: false, executors: [executor] });
  const text = workflowText(dag, concurrency);
  const workflow =
    variant === 'weft'
      ? loadWorkflow(text, {
          file: 'makespan.yaml',
          executors: { get: (name) => (name === 'sleep' ? executor : undefined), names: () => ['sleep'] },
          estimates: (id) => dag.durations[taskIndex(id)],
        })
      : engine.parse(text, 'makespan.yaml');
  if (variant === 'weft-fifo') workflow.criticalPath.fill(0);
  collectLoadGarbage();
  const start = performance.now();
  const result = await engine.run(workflow);
  const makespanMs = performance.now() - start;
  if (result.status !== 'succeeded') throw new Error(`weft makespan run ended ${result.status}`);
  return makespanMs;
}

export async function runPGraph(prioritized: boolean, dag: WeightedDag, concurrency: number, work: (task: number) => Promise<void>): Promise<number> {
  const nodes = new Map<string, PGraphNode>(dag.deps.map((_, i) => [`t${i}`, prioritized ? { priority: dag.durations[i]! } : {}]));
  const dependencies = edges(dag).map(([from, to]): [string, string] => [`t${from}`, `t${to}`]);
  collectLoadGarbage();
  const start = performance.now();
  await new PGraph(nodes, dependencies).run({ concurrency, run: (id) => work(taskIndex(id)) });
  return performance.now() - start;
}
