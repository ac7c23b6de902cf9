/**
 * The one task body every contender runs: it notes when it started and finished
 * and, every so often, the process's RSS. Because all three contenders call the
 * same body, the instrument costs each of them the same.
 */
import { performance } from 'node:perf_hooks';
import { percentile } from './stats.js';

/** Sample RSS once per this many tasks: often enough to see the peak, rare enough to cost nothing. */
const RSS_EVERY = 1024;

export class Probe {
  readonly started: Float64Array;
  readonly finished: Float64Array;
  peakRss = 0;
  /** Highest JS heap + external memory seen: what the run holds, garbage not yet collected included. */
  peakHeap = 0;
  private count = 0;

  constructor(readonly size: number) {
    this.started = new Float64Array(size).fill(NaN);
    this.finished = new Float64Array(size).fill(NaN);
  }

  /** The task body: a no-op between two timestamps. */
  hit(task: number): void {
    this.started[task] = performance.now();
    if ((this.count++ & (RSS_EVERY - 1)) === 0) this.sampleRss();
    this.finished[task] = performance.now();
  }

  sampleRss(): void {
    const { rss, heapUsed, external } = process.memoryUsage();
    if (rss > this.peakRss) this.peakRss = rss;
    if (heapUsed + external > this.peakHeap) this.peakHeap = heapUsed + external;
  }

  /** How many tasks ran; a contender that skipped or repeated tasks is caught here. */
  get ran(): number {
    return this.count;
  }

  /**
   * For every task with dependencies, the time from its last dependency finishing to
   * its own start, in microseconds: p50 and p99.
   */
  latency(deps: readonly (readonly number[])[]): { p50: number; p99: number } {
    const samples: number[] = [];
    deps.forEach((list, task) => {
      if (list.length === 0) return;
      let ready = -Infinity;
      for (const d of list) ready = Math.max(ready, this.finished[d]!);
      samples.push((this.started[task]! - ready) * 1000);
    });
    samples.sort((a, b) => a - b);
    return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
  }
}
