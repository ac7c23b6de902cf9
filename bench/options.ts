/**
 * What one `npm run bench` measures. The full matrix by default; `BENCH_QUICK=1`
 * (or `--quick`) for a smaller one; flags to narrow it further, which the harness
 * test uses to run in seconds.
 *
 *   --out DIR           where RESULTS.md and results.json go (default: bench/)
 *   --reps N            repetitions per figure (default 3; quick 2)
 *   --sizes 1000,10000  DAG sizes (default 1000,10000,100000; quick 1000,10000)
 *   --shapes chain,...  shapes (default all)
 *   --concurrency 8,unlimited
 *   --makespan-dags N   weighted DAGs for makespan (default 20; quick 5)
 *   --load-size N       tasks in the loading figure (default 10000)
 *   --persisted-size N  tasks in the persisted (SQLite) figure (default 10000)
 *   --scale-tasks N     tasks per scale-out measurement (default 2000; quick 1000)
 *   --scale-workers 1,2,4  worker processes of the scale-out points
 *   --scale-only        measure scale-out alone and fold it into the results.json in --out
 *   --render            measure nothing: rewrite RESULTS.md from the results.json in --out
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHAPES, type Shape } from './shapes.js';

export interface BenchOptions {
  out: string;
  quick: boolean;
  render: boolean;
  reps: number;
  sizes: number[];
  shapes: Shape[];
  /** `null` is unlimited. */
  concurrency: (number | null)[];
  makespanDags: number;
  makespanConcurrency: number;
  loadSize: number;
  persistedSize: number;
  scaleOnly: boolean;
  scaleTasks: number;
  scaleWorkers: number[];
  seed: number;
}

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  let quick = env.BENCH_QUICK === '1';
  let render = false;
  let scaleOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--render') render = true;
    else if (arg === '--scale-only') scaleOnly = true;
    else if (arg.startsWith('--') && argv[i + 1] !== undefined) flags.set(arg.slice(2), argv[++i]!);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}; see bench/options.ts for the flags`);
  }
  const list = (name: string, fallback: string): string[] => (flags.get(name) ?? fallback).split(',').map((s) => s.trim());
  const int = (name: string, fallback: number): number => {
    const value = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${flags.get(name)}`);
    return value;
  };
  const shapes = list('shapes', SHAPES.join(','));
  for (const shape of shapes) if (!(SHAPES as readonly string[]).includes(shape)) throw new Error(`unknown shape ${shape}; known: ${SHAPES.join(', ')}`);
  return {
    out: path.resolve(flags.get('out') ?? BENCH_DIR),
    quick,
    render,
    reps: int('reps', quick ? 2 : 3),
    sizes: list('sizes', quick ? '1000,10000' : '1000,10000,100000').map(Number),
    shapes: shapes as Shape[],
    concurrency: list('concurrency', '8,unlimited').map((c) => (c === 'unlimited' ? null : Number(c))),
    makespanDags: int('makespan-dags', quick ? 5 : 20),
    makespanConcurrency: 4,
    loadSize: int('load-size', 10_000),
    persistedSize: int('persisted-size', 10_000),
    scaleOnly,
    scaleTasks: int('scale-tasks', quick ? 1000 : 2000),
    scaleWorkers: list('scale-workers', '1,2,4').map((n) => {
      if (!/^[1-9]\d*$/.test(n)) throw new Error(`--scale-workers takes positive integers, got ${n}`);
      return Number(n);
    }),
    seed: 1,
  };
}
