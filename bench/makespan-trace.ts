/**
 * Where makespan goes, DAG by DAG: `tsx bench/makespan-trace.ts [--dags 20] [--reps 3] [--variants weft,p-graph] [--warm N]`.
 * Not part of `npm run bench`; run `npm run build` first (weft runs from dist/).
 *
 * Each run is a fresh Node process, as in the bench, and records when every task's
 * body started and ended. From that trace the makespan splits into:
 * - `startup`: from the clock starting to the first body starting;
 * - `react`: slot-time lost between a body ending and the next body starting, / concurrency;
 * - `tail`: from the last body ending to the run reporting done;
 * - `sim`: the makespan the same priority rule gives with the very durations this run
 *   took and no overhead at all: the cost of the order itself.
 * and `order` is how many of the first starts agree with the other contender's.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { lowerBound, runPGraph, runWeft, weightedDag, type MakespanVariant, type WeightedDag } from './makespan.js';
import { bottomLevels, CONCURRENCY, simulate } from './makespan-sim.js';

interface Trace {
  variant: MakespanVariant;
  seed: number;
  makespanMs: number;
  start: number[];
  end: number[];
}

/** `warm` runs of the same DAG with empty bodies first: what the order costs once the JIT has compiled the engine's hot path. */
async function traceOne(variant: MakespanVariant, seed: number, warm: number): Promise<Trace> {
  const dag = weightedDag(seed);
  for (let i = 0; i < warm; i++) await run(variant, dag, async () => {});
  const start: number[] = [];
  const end: number[] = [];
  const work = async (task: number): Promise<void> => {
    start[task] = performance.now();
    await sleep(dag.durations[task]!);
    end[task] = performance.now();
  };
  const makespanMs = await run(variant, dag, work);
  const origin = performance.now() - makespanMs;
  return { variant, seed, makespanMs, start: start.map((t) => t - origin), end: end.map((t) => t - origin) };
}

function run(variant: MakespanVariant, dag: WeightedDag, work: (task: number) => Promise<void>): Promise<number> {
  return variant.startsWith('weft') ? runWeft(variant, dag, CONCURRENCY, work) : runPGraph(variant === 'p-graph', dag, CONCURRENCY, work);
}

interface Split {
  ratio: number;
  simRatio: number;
  startup: number;
  react: number;
  tail: number;
  bound: number;
  order: number[];
}

function split(trace: Trace, dag: WeightedDag): Split {
  const taken = trace.start.map((s, i) => trace.end[i]! - s);
  const bound = lowerBound(dag.deps, taken, CONCURRENCY);
  const level = bottomLevels(dag);
  const rule = (a: number, b: number): boolean => (level[a] !== level[b] ? level[a]! > level[b]! : a < b);
  const sim = simulate(dag, taken, rule);
  const ends = [...trace.end].sort((a, b) => a - b);
  const order = trace.start.map((_, i) => i).sort((a, b) => trace.start[a]! - trace.start[b]!);
  let lost = 0;
  let e = -1;
  for (const task of order.slice(CONCURRENCY)) {
    const s = trace.start[task]!;
    while (e + 1 < ends.length && ends[e + 1]! <= s) e++;
    if (e >= 0) lost += s - ends[e]!;
  }
  const firstStart = Math.min(...trace.start);
  return {
    ratio: trace.makespanMs / bound,
    simRatio: sim.makespan / bound,
    startup: firstStart,
    react: lost / CONCURRENCY,
    tail: trace.makespanMs - ends[ends.length - 1]!,
    bound,
    order,
  };
}

function agreeing(a: number[], b: number[]): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}

function runChild(variant: string, seed: number, warm: number): Trace {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, 'one', variant, String(seed), String(warm)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`trace ${variant} ${seed} failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as Trace;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'one') {
    process.stdout.write(JSON.stringify(await traceOne(argv[1] as MakespanVariant, Number(argv[2]), Number(argv[3]))));
    return;
  }
  const flag = (name: string, fallback: string): string => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1]! : fallback;
  };
  const dags = Number(flag('dags', '20'));
  const reps = Number(flag('reps', '3'));
  const variants = flag('variants', 'weft,p-graph').split(',');
  const warm = Number(flag('warm', '0'));
  const totals = new Map<string, { ratio: number; sim: number; startup: number; react: number; tail: number; n: number }>();
  const fmt = (x: number, d = 3): string => x.toFixed(d);
  console.log(['dag', 'tasks', 'variant', 'ratio', 'sim', 'startup', 'react', 'tail', 'same-first'].join('\t'));
  for (let seed = 1; seed <= dags; seed++) {
    const dag = weightedDag(seed);
    const firstOrders = new Map<string, number[]>();
    for (const variant of variants) {
      for (let rep = 0; rep < reps; rep++) {
        const s = split(runChild(variant, seed, warm), dag);
        if (rep === 0) firstOrders.set(variant, s.order);
        const t = totals.get(variant) ?? { ratio: 0, sim: 0, startup: 0, react: 0, tail: 0, n: 0 };
        t.ratio += s.ratio;
        t.sim += s.simRatio;
        t.startup += s.startup;
        t.react += s.react;
        t.tail += s.tail;
        t.n++;
        totals.set(variant, t);
        const other = [...firstOrders.entries()].find(([v]) => v !== variant)?.[1];
        const same = other ? String(agreeing(s.order, other)) : '-';
        console.log([seed, dag.deps.length, variant, fmt(s.ratio), fmt(s.simRatio), fmt(s.startup, 2), fmt(s.react, 2), fmt(s.tail, 2), same].join('\t'));
      }
    }
  }
  console.log('\nmeans');
  for (const [variant, t] of totals) {
    console.log([variant, `ratio ${fmt(t.ratio / t.n, 4)}`, `sim ${fmt(t.sim / t.n, 4)}`, `startup ${fmt(t.startup / t.n, 2)} ms`, `react ${fmt(t.react / t.n, 2)} ms`, `tail ${fmt(t.tail / t.n, 2)} ms`].join('\t'));
  }
}

await main(process.argv.slice(2));
