/** The shape of bench/results.json, and how repetitions fold into it. */
import os from 'node:os';
import type { BenchOptions } from './options.js';
import type { LoadFigure } from './load.js';
import type { MakespanFigure, MakespanVariant } from './makespan.js';
import type { RunFigure } from './figure.js';
import { mean, summarize, type Summary } from './stats.js';
import type { ScaleResult } from './scale-report.js';
import type { Shape } from './shapes.js';

export type ContenderName = 'weft' | 'p-graph' | 'floor' | 'weft-sqlite';

/** Each number of a RunFigure, summarized over the repetitions. */
export type RunSummary = { [K in keyof RunFigure]-?: Summary };

export interface RunRow {
  shape: Shape;
  size: number;
  concurrency: number | 'unlimited';
  contenders: Partial<Record<ContenderName, RunSummary>>;
  /** Median µs/task of weft over the other's. */
  ratios: { weftOverPGraph?: number; weftOverFloor?: number };
  errors: string[];
}

export interface MakespanVariantResult {
  meanRatio: number;
  maxRatio: number;
  meanNominalRatio: number;
  ratios: number[];
}

export interface MakespanResult {
  dags: number;
  concurrency: number;
  variants: Partial<Record<MakespanVariant, MakespanVariantResult>>;
  errors: string[];
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  /** `null` when the figure was not measured in this run. */
  met: boolean | null;
  note?: string;
}

export interface BenchResults {
  meta: {
    date: string;
    node: string;
    platform: string;
    cpus: string;
    cores: number;
    memoryGiB: number;
    options: Omit<BenchOptions, 'out' | 'render' | 'scaleOnly'>;
    durationS: number;
  };
  runs: RunRow[];
  /** The 10k random layered DAG at unlimited concurrency after `warmups` untimed runs; absent in older results. */
  warmLatency?: { shape: Shape; size: number; warmups: number; contenders: Partial<Record<ContenderName, RunSummary>>; errors: string[] };
  makespan: MakespanResult;
  load: { tasks: number; loadMs: Summary; usPerTask: Summary; maxRss: Summary } | { error: string };
  persisted: { skipped: string } | { shape: Shape; size: number; concurrency: number; figure: RunSummary } | { error: string };
  /** Absent in results written before it was part of `npm run bench`. */
  scale?: ScaleResult;
  targets: Target[];
}

export function machine(): Pick<BenchResults['meta'], 'node' | 'platform' | 'cpus' | 'cores' | 'memoryGiB'> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

export function summarizeRuns(figures: readonly RunFigure[]): RunSummary {
  const keys = Object.keys(figures[0] ?? {}) as (keyof RunFigure)[];
  return Object.fromEntries(keys.map((key) => [key, summarize(figures.map((f) => f[key] ?? NaN))])) as RunSummary;
}

export function summarizeMakespan(figures: readonly MakespanFigure[]): MakespanVariantResult {
  const ratios = figures.map((f) => f.ratio);
  return {
    meanRatio: mean(ratios),
    maxRatio: Math.max(...ratios),
    meanNominalRatio: mean(figures.map((f) => f.nominalRatio)),
    ratios,
  };
}

export function summarizeLoad(figures: readonly LoadFigure[]): BenchResults['load'] {
  return {
    tasks: figures[0]?.tasks ?? 0,
    loadMs: summarize(figures.map((f) => f.loadMs)),
    usPerTask: summarize(figures.map((f) => f.usPerTask)),
    maxRss: summarize(figures.map((f) => f.maxRss)),
  };
}
