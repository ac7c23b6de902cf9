/**
 * One figure, in a fresh Node process: `node --import tsx --expose-gc bench/figure.ts '<spec json>'`.
 * Prints one line of JSON. The harness (bench/main.ts) starts one of these per
 * contender, configuration and repetition, so no run inherits another's heap or JIT.
 */
import { performance } from 'node:perf_hooks';
import { runContender, type Contender } from './contenders.js';
import { cpuWait, threadTimes, type ThreadTimes } from './cpu-wait.js';
import { measureLoad } from './load.js';
import { runMakespan, type MakespanVariant } from './makespan.js';
import { Probe } from './probe.js';
import { makeDag, type Shape } from './shapes.js';

export type FigureSpec =
  | {
      kind: 'run';
      contender: Contender;
      shape: Shape;
      size: number;
      concurrency: number | null;
      seed: number;
      /**
       * Untimed runs of the same DAG first, in the same process, so the measured run
       * finds its code compiled (the warm latency figure). No forced GC before the
       * clock then: a full collection throws compiled code away.
       */
      warmups?: number;
    }
  | { kind: 'makespan'; variant: MakespanVariant; seed: number; concurrency: number }
  | { kind: 'load'; size: number; seed: number };

export interface RunFigure {
  wallMs: number;
  loadMs?: number;
  usPerTask: number;
  tasksPerSec: number;
  /** CPU time of the process over the run (GC threads included), per task: steadier than wall time on a busy machine. */
  cpuUsPerTask: number;
  /** RSS before the contender built anything, after a full GC. */
  baseRss: number;
  /** RSS with the contender's input built (weft: the workflow compiled), after a full GC, just before the clock starts. */
  readyRss: number;
  /** Highest RSS seen from then to the end of the run. */
  peakRss: number;
  /** (peakRss − baseRss) / tasks: what the contender holds per task, graph and run state together. */
  rssPerTaskBytes: number;
  /** The process's high-water RSS, weft's YAML parse included. */
  maxRss: number;
  /**
   * (peak JS heap + external during the run − the same just before it) / tasks: the
   * run's own memory. RSS cannot show it for weft, whose YAML parse leaves hundreds of
   * MB of freed heap pages that V8 keeps and the run then reuses.
   */
  runHeapPerTaskBytes: number;
  latencyP50Us: number;
  latencyP99Us: number;
  /**
   * Ms the main thread waited for a core during the run (Linux only). Each wait delays
   * every task ready at that moment, so a latency p99 far above p50 with tens of ms here
   * is the machine's: V8's compiler threads (`otherThreadsCpuMs`) or other jobs.
   */
  mainWaitMs?: number;
  otherThreadsCpuMs?: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run figures with --expose-gc so RSS baselines are taken after a full collection');
  gc();
  gc();
}

async function runFigure(spec: Extract<FigureSpec, { kind: 'run' }>): Promise<RunFigure> {
  const dag = makeDag(spec.shape, spec.size, spec.seed);
  const warm = (spec.warmups ?? 0) > 0;
  for (let i = 0; i < (spec.warmups ?? 0); i++) {
    await runContender(spec.contender, dag, spec.concurrency ?? undefined, new Probe(spec.size), { beforeRun: () => {} });
  }
  const probe = new Probe(spec.size);
  if (!warm) collectGarbage();
  const baseRss = process.memoryUsage.rss();
  let readyRss = 0;
  let readyHeap = 0;
  let cpuStart = process.cpuUsage();
  let threadsStart: ThreadTimes = new Map();
  const timed = await runContender(spec.contender, dag, spec.concurrency ?? undefined, probe, {
    beforeRun: () => {
      if (!warm) collectGarbage();
      const memory = process.memoryUsage();
      readyRss = memory.rss;
      readyHeap = memory.heapUsed + memory.external;
      probe.sampleRss();
      threadsStart = threadTimes();
      cpuStart = process.cpuUsage();
    },
  });
  const cpu = process.cpuUsage(cpuStart);
  const waited = cpuWait(threadsStart, threadTimes());
  probe.sampleRss();
  if (probe.ran !== spec.size) throw new Error(`${spec.contender} ran ${probe.ran} tasks of ${spec.size}`);
  const latency = probe.latency(dag.deps);
  return {
    ...timed,
    usPerTask: (timed.wallMs * 1000) / spec.size,
    tasksPerSec: spec.size / (timed.wallMs / 1000),
    cpuUsPerTask: (cpu.user + cpu.system) / spec.size,
    baseRss,
    readyRss,
    peakRss: probe.peakRss,
    rssPerTaskBytes: (probe.peakRss - baseRss) / spec.size,
    maxRss: process.resourceUsage().maxRSS * 1024,
    runHeapPerTaskBytes: (probe.peakHeap - readyHeap) / spec.size,
    latencyP50Us: latency.p50,
    latencyP99Us: latency.p99,
    ...waited,
  };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as FigureSpec;
  const started = performance.now();
  let figure: unknown;
  if (spec.kind === 'run') figure = await runFigure(spec);
  else if (spec.kind === 'makespan') figure = await runMakespan(spec.variant, spec.seed, spec.concurrency);
  else figure = measureLoad(spec.size, spec.seed);
  process.stdout.write(`${JSON.stringify({ spec, figure, processMs: performance.now() - started })}\n`);
}

await main();
