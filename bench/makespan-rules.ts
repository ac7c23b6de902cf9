/**
 * What priority rules are worth on the makespan DAGs, with no engine at all:
 * `tsx bench/makespan-rules.ts [--dags 20] [--jitter 0.8]`. Each rule is list
 * scheduling at concurrency 4 on the nominal durations, and again on durations
 * jittered by up to ±jitter ms (sleeps end early or late by about that much), so a
 * rule that only wins on exact numbers shows it.
 */
import { lowerBound, weightedDag, type WeightedDag } from './makespan.js';
import { bottomLevels, CONCURRENCY, dependentsOf, simulate } from './makespan-sim.js';
import { random } from './shapes.js';

type Rule = (dag: WeightedDag) => (a: number, b: number) => boolean;

function byKeys(keys: number[][]): (a: number, b: number) => boolean {
  return (a, b) => {
    for (const key of keys) if (key[a] !== key[b]) return key[a]! > key[b]!;
    return a < b;
  };
}

const negated = (values: number[]): number[] => values.map((v) => -v);

/**
 * Forward/backward improvement (as in project scheduling): schedule the reversed
 * graph with the last forward finish times as priorities (latest first), then
 * forward again with the backward finish times (latest first), `passes` times;
 * keeps the best forward order. It needs the durations and one limit up front.
 */
function justified(dag: WeightedDag, passes: number): (a: number, b: number) => boolean {
  const reversed: WeightedDag = { shape: dag.shape, deps: dependentsOf(dag), durations: dag.durations };
  let key = bottomLevels(dag);
  let bestKey = key;
  let best = simulate(dag, dag.durations, byKeys([key])).makespan;
  for (let pass = 0; pass < passes; pass++) {
    const forwardFinish = finishTimes(dag, byKeys([key]));
    key = finishTimes(reversed, byKeys([forwardFinish]));
    const makespan = simulate(dag, dag.durations, byKeys([key])).makespan;
    if (makespan < best) {
      best = makespan;
      bestKey = key;
    }
  }
  return byKeys([bestKey]);
}

/** Each task's finish time in the list schedule `before` gives with nominal durations. */
function finishTimes(dag: WeightedDag, before: (a: number, b: number) => boolean): number[] {
  const { order } = simulate(dag, dag.durations, before);
  const dependents = dependentsOf(dag);
  const finish = new Array<number>(dag.deps.length).fill(0);
  const waiting = dag.deps.map((d) => d.length);
  const ready = new Set(dag.deps.flatMap((d, i) => (d.length === 0 ? [i] : [])));
  const running: number[] = [];
  let now = 0;
  let next = 0;
  while (next < order.length || running.length > 0) {
    while (running.length < CONCURRENCY && next < order.length && ready.has(order[next]!)) {
      const task = order[next++]!;
      ready.delete(task);
      finish[task] = now + dag.durations[task]!;
      running.push(task);
    }
    running.sort((a, b) => finish[a]! - finish[b]!);
    const done = running.shift()!;
    now = finish[done]!;
    for (const d of dependents[done]!) if (--waiting[d]! === 0) ready.add(d);
  }
  return finish;
}

function successorsCount(dag: WeightedDag): number[] {
  return dependentsOf(dag).map((d) => d.length);
}

function downstreamWork(dag: WeightedDag): number[] {
  const dependents = dependentsOf(dag);
  const n = dag.deps.length;
  const work: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const seen = new Set<number>();
    const stack = [...dependents[i]!];
    let total = dag.durations[i]!;
    while (stack.length) {
      const t = stack.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      total += dag.durations[t]!;
      stack.push(...dependents[t]!);
    }
    work[i] = total;
  }
  return work;
}

function randomTies(seed: number): Rule {
  return (dag) => {
    const rand = random(seed);
    return byKeys([bottomLevels(dag), dag.deps.map(() => rand())]);
  };
}

const RULES: Record<string, Rule> = {
  'bl, file order (weft)': (dag) => byKeys([bottomLevels(dag)]),
  'bl, random ties (~p-graph)': randomTies(99),
  'bl, longer own first': (dag) => byKeys([bottomLevels(dag), dag.durations]),
  'bl, shorter own first': (dag) => byKeys([bottomLevels(dag), negated(dag.durations)]),
  'bl, more successors': (dag) => byKeys([bottomLevels(dag), successorsCount(dag)]),
  'bl, more downstream work': (dag) => byKeys([bottomLevels(dag), downstreamWork(dag)]),
  'bl without own duration': (dag) => byKeys([bottomLevels(dag).map((b, i) => b - dag.durations[i]!)]),
  'bl + downstream work / 4': (dag) => {
    const w = downstreamWork(dag);
    return byKeys([bottomLevels(dag).map((b, i) => b + w[i]! / CONCURRENCY)]);
  },
  'max(bl, downstream work / 4)': (dag) => {
    const w = downstreamWork(dag);
    return byKeys([bottomLevels(dag).map((b, i) => Math.max(b, w[i]! / CONCURRENCY))]);
  },
  'forward/backward x4': (dag) => justified(dag, 4),
};

function main(argv: string[]): void {
  const flag = (name: string, fallback: string): string => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1]! : fallback;
  };
  const dags = Number(flag('dags', '20'));
  const jitter = Number(flag('jitter', '0.8'));
  const rows: string[] = [];
  for (const [name, rule] of Object.entries(RULES)) {
    let exact = 0;
    let jittered = 0;
    const per: string[] = [];
    for (let seed = 1; seed <= dags; seed++) {
      const dag = weightedDag(seed);
      const before = rule(dag);
      const r = simulate(dag, dag.durations, before).makespan / lowerBound(dag.deps, dag.durations, CONCURRENCY);
      exact += r;
      per.push(r.toFixed(3));
      const rand = random(seed * 31 + 7);
      const noisy = dag.durations.map((d) => Math.max(0.1, d + (rand() * 2 - 1) * jitter));
      jittered += simulate(dag, noisy, before).makespan / lowerBound(dag.deps, noisy, CONCURRENCY);
    }
    rows.push(`${name.padEnd(30)} exact ${(exact / dags).toFixed(4)}  jittered ${(jittered / dags).toFixed(4)}  | ${per.join(' ')}`);
  }
  console.log(rows.join('\n'));
}

main(process.argv.slice(2));
