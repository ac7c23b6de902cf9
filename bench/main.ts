/**
 * `npm run bench`: runs every figure in its own Node process, folds repetitions into
 * medians and spreads, writes RESULTS.md and results.json, and prints each target
 * as met or not. Figures run one at a time, so they never compete for the CPU.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderChart } from './chart.js';
import { CONTENDERS } from './contenders.js';
import type { FigureSpec, RunFigure } from './figure.js';
import type { LoadFigure } from './load.js';
import { MAKESPAN_VARIANTS, type MakespanFigure } from './makespan.js';
import { BENCH_DIR, parseOptions, type BenchOptions } from './options.js';
import { evaluateTargets, renderMarkdown } from './report.js';
import { machine, summarizeLoad, summarizeMakespan, summarizeRuns, type BenchResults, type RunRow } from './results.js';
import type { ScaleResult, ScaleSpec } from './scale-report.js';

const ROOT = path.dirname(BENCH_DIR);
const FIGURE = path.join(BENCH_DIR, 'figure.ts');
const SCALE_OUT = path.join(BENCH_DIR, 'scale-out.ts');
/** Jobs at once per worker process in the scale-out figure. */
const SCALE_CONCURRENCY = 16;
const FIGURE_TIMEOUT_MS = 10 * 60_000;
/** Untimed runs before the warm latency figure's measured one: by the third, V8 has compiled the engine's hot path. */
const WARM_LATENCY_RUNS = 3;

/** Runs one figure in a fresh process; rejects with the child's stderr when it fails. */
function figure<T>(spec: FigureSpec): Promise<T> {
  const args = ['--import', 'tsx', '--expose-gc', FIGURE, JSON.stringify(spec)];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: FIGURE_TIMEOUT_MS, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(firstErrorLine(stderr) ?? error.message));
      const line = stdout.trim().split('\n').pop() ?? '';
      resolve((JSON.parse(line) as { figure: T }).figure);
    });
  });
}

/** The line of a child's stderr that names the error, not the stack frames after it. */
function firstErrorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^\w*Error\b/.test(l)) ?? lines.at(-1);
}

let done = 0;
function progress(what: string, value: string): void {
  process.stderr.write(`[${++done}] ${what}: ${value}\n`);
}

async function measureRuns(options: BenchOptions): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for (const size of options.sizes) {
    for (const shape of options.shapes) {
      for (const concurrency of options.concurrency) {
        const figures = new Map<string, RunFigure[]>(CONTENDERS.map((c) => [c, []]));
        const errors: string[] = [];
        for (let rep = 0; rep < options.reps; rep++) {
          // Rotate who goes first, so drift in the machine does not favour one contender.
          const order = CONTENDERS.map((_, i) => CONTENDERS[(i + rep) % CONTENDERS.length]!);
          for (const contender of order) {
            const label = `${shape} ${size} c=${concurrency ?? 'unlimited'} ${contender} #${rep + 1}`;
            try {
              const f = await figure<RunFigure>({ kind: 'run', contender, shape, size, concurrency, seed: options.seed });
              figures.get(contender)!.push(f);
              progress(label, `${f.usPerTask.toFixed(2)} µs/task`);
            } catch (error) {
              errors.push(`${contender}: ${(error as Error).message}`);
              progress(label, `error ${(error as Error).message}`);
            }
          }
        }
        const contenders: RunRow['contenders'] = {};
        for (const [name, list] of figures) if (list.length > 0) contenders[name as (typeof CONTENDERS)[number]] = summarizeRuns(list);
        const weft = contenders.weft?.usPerTask.median;
        const pGraph = contenders['p-graph']?.usPerTask.median;
        const floor = contenders.floor?.usPerTask.median;
        const ratios: RunRow['ratios'] = {};
        if (weft !== undefined && pGraph !== undefined) ratios.weftOverPGraph = weft / pGraph;
        if (weft !== undefined && floor !== undefined) ratios.weftOverFloor = weft / floor;
        rows.push({ shape, size, concurrency: concurrency ?? 'unlimited', contenders, ratios, errors: [...new Set(errors)] });
      }
    }
  }
  return rows;
}

/**
 * Latency once the code is compiled: the 10k random layered DAG at unlimited
 * concurrency, each contender's measured run preceded by `WARM_LATENCY_RUNS` untimed
 * runs in the same process. In a cold run weft's slowest 1% wait for a core while
 * V8's compiler threads optimize the engine's code on a two-core machine
 * (`mainWaitMs`, `otherThreadsCpuMs`), which says more about the machine than about
 * how fast the scheduler reacts.
 */
async function measureWarmLatency(options: BenchOptions): Promise<BenchResults['warmLatency']> {
  // 10k as the target says; a narrowed run (the harness test's) takes its largest size instead.
  const size = options.sizes.includes(10_000) ? 10_000 : Math.max(...options.sizes);
  const spec = { shape: 'layered', size, concurrency: null, warmups: WARM_LATENCY_RUNS } as const;
  const figures = new Map<string, RunFigure[]>(CONTENDERS.map((c) => [c, []]));
  const errors: string[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    for (const contender of CONTENDERS) {
      try {
        const f = await figure<RunFigure>({ kind: 'run', contender, ...spec, seed: options.seed });
        figures.get(contender)!.push(f);
        progress(`latency warm ${contender} #${rep + 1}`, `p99 ${Math.round(f.latencyP99Us)} µs`);
      } catch (error) {
        errors.push(`${contender}: ${(error as Error).message}`);
      }
    }
  }
  const contenders: NonNullable<BenchResults['warmLatency']>['contenders'] = {};
  for (const [name, list] of figures) if (list.length > 0) contenders[name as (typeof CONTENDERS)[number]] = summarizeRuns(list);
  return { shape: spec.shape, size: spec.size, warmups: spec.warmups, contenders, errors: [...new Set(errors)] };
}

async function measureMakespan(options: BenchOptions): Promise<BenchResults['makespan']> {
  const figures = new Map<string, MakespanFigure[]>(MAKESPAN_VARIANTS.map((v) => [v, []]));
  const errors: string[] = [];
  for (let seed = 1; seed <= options.makespanDags; seed++) {
    for (const variant of MAKESPAN_VARIANTS) {
      try {
        const f = await figure<MakespanFigure>({ kind: 'makespan', variant, seed, concurrency: options.makespanConcurrency });
        figures.get(variant)!.push(f);
        progress(`makespan dag ${seed} ${variant}`, `${f.ratio.toFixed(3)} × bound`);
      } catch (error) {
        errors.push(`${variant}: ${(error as Error).message}`);
      }
    }
  }
  const variants: BenchResults['makespan']['variants'] = {};
  for (const [name, list] of figures) if (list.length > 0) variants[name as (typeof MAKESPAN_VARIANTS)[number]] = summarizeMakespan(list);
  return { dags: options.makespanDags, concurrency: options.makespanConcurrency, variants, errors: [...new Set(errors)] };
}

async function measureLoad(options: BenchOptions): Promise<BenchResults['load']> {
  const figures: LoadFigure[] = [];
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      const f = await figure<LoadFigure>({ kind: 'load', size: options.loadSize, seed: options.seed });
      figures.push(f);
      progress(`load ${options.loadSize}`, `${Math.round(f.loadMs)} ms`);
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
  return summarizeLoad(figures);
}

async function measurePersisted(options: BenchOptions): Promise<BenchResults['persisted']> {
  if (!existsSync(path.join(ROOT, 'src/engine/store/sqlite-store.ts'))) return { skipped: 'src/engine/store/sqlite-store.ts does not exist yet' };
  // Large enough to amortize start-up, small enough for a disk-bound store.
  const persisted = { shape: 'layered', size: options.persistedSize, concurrency: 8 } as const;
  const figures: RunFigure[] = [];
  try {
    for (let rep = 0; rep < options.reps; rep++) {
      const f = await figure<RunFigure>({ kind: 'run', contender: 'weft-sqlite', ...persisted, seed: options.seed });
      figures.push(f);
      progress(`persisted ${persisted.size}`, `${f.usPerTask.toFixed(2)} µs/task`);
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { ...persisted, figure: summarizeRuns(figures) };
}

/** The scale-out figure, in its own process: it starts a redis-server and worker processes of its own. */
function measureScale(options: BenchOptions): Promise<ScaleResult> {
  const spec: ScaleSpec = { tasks: options.scaleTasks, reps: options.reps, concurrency: SCALE_CONCURRENCY, workers: options.scaleWorkers };
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', SCALE_OUT, JSON.stringify(spec)], { cwd: ROOT, timeout: FIGURE_TIMEOUT_MS }, (error, stdout, stderr) => {
      for (const line of stderr.split('\n')) if (line.startsWith('scale-out ')) progress(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2));
      if (error) return resolve({ error: firstErrorLine(stderr) ?? error.message });
      try {
        resolve((JSON.parse(stdout.trim().split('\n').pop() ?? '') as { scale: ScaleResult }).scale);
      } catch {
        resolve({ error: `the scale-out figure printed no result; its stderr: ${firstErrorLine(stderr) ?? '(empty)'}` });
      }
    });
  });
}

/** `--scale-only` (`npm run bench:scale`): the scale-out figure alone, folded into the results already in `out`. */
async function measureScaleOnly(options: BenchOptions): Promise<void> {
  const file = path.join(options.out, 'results.json');
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run bench\` once, then \`npm run bench:scale\` measures scale-out alone`);
  const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
  results.scale = await measureScale(options);
  results.targets = evaluateTargets(results);
  await writeResults(results, options.out);
}

async function writeResults(results: BenchResults, out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(path.join(out, 'RESULTS.md'), renderMarkdown(results, await readProfileNotes()));
  await writeFile(path.join(out, 'results.svg'), renderChart(results));
  console.log(`\nResults in ${path.relative(process.cwd(), out) || '.'}/RESULTS.md and results.json\n`);
  for (const t of results.targets) {
    console.log(`${t.met === null ? 'not measured' : t.met ? 'met        ' : 'NOT MET    '}  ${t.name}: ${t.value} (goal: ${t.goal})`);
  }
}

/** After editing bench/PROFILE.md: the same results, the notes brought up to date. */
async function rerender(out: string): Promise<void> {
  const results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as BenchResults;
  await writeFile(path.join(out, 'RESULTS.md'), renderMarkdown(results, await readProfileNotes()));
  await writeFile(path.join(out, 'results.svg'), renderChart(results));
}

async function readProfileNotes(): Promise<string | undefined> {
  return readFile(path.join(BENCH_DIR, 'PROFILE.md'), 'utf8').catch(() => undefined);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.render) return rerender(options.out);
  if (options.scaleOnly) return measureScaleOnly(options);
  const started = performance.now();
  const runs = await measureRuns(options);
  const warmLatency = await measureWarmLatency(options);
  const makespan = await measureMakespan(options);
  const load = await measureLoad(options);
  const persisted = await measurePersisted(options);
  const scale = await measureScale(options);
  const { out, render: _render, scaleOnly: _scaleOnly, ...shown } = options;
  const results: BenchResults = {
    meta: { date: new Date().toISOString(), ...machine(), options: shown, durationS: (performance.now() - started) / 1000 },
    runs,
    warmLatency,
    makespan,
    load,
    persisted,
    scale,
    targets: [],
  };
  results.targets = evaluateTargets(results);
  await writeResults(results, out);
}

await main();
