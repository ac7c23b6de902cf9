/**
 * How long the main thread waited for a core during a run, and how much CPU V8's own
 * threads (its compilers, mostly) took meanwhile. On a two-core machine with other jobs
 * the main thread waits about as long as those threads run, and every wait delays each
 * task that is ready at that moment: a latency p99 of milliseconds then measures the
 * machine, not the contender. Linux only (`/proc/self/task/<tid>/schedstat`); elsewhere
 * the figures are left out.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** On-CPU and runqueue-wait ms per thread id. */
export type ThreadTimes = Map<string, { cpuMs: number; waitMs: number }>;

export function threadTimes(): ThreadTimes {
  const times: ThreadTimes = new Map();
  let threads: string[];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return times;
  }
  for (const tid of threads) {
    try {
      const [cpu, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ');
      times.set(tid, { cpuMs: Number(cpu) / 1e6, waitMs: Number(wait) / 1e6 });
    } catch {
      // The thread ended between the listing and the read: it ran nothing worth counting since.
    }
  }
  return times;
}

export interface CpuWait {
  /** Ms the main thread was ready to run but had no core. */
  mainWaitMs: number;
  /** CPU ms of the process's other threads: V8's compiler and GC helpers, libuv's pool. */
  otherThreadsCpuMs: number;
}

/** What happened between two `threadTimes()`; undefined where schedstat does not exist. */
export function cpuWait(before: ThreadTimes, after: ThreadTimes): CpuWait | undefined {
  const main = String(process.pid);
  const start = before.get(main);
  const end = after.get(main);
  if (!start || !end) return undefined;
  let otherThreadsCpuMs = 0;
  for (const [tid, { cpuMs }] of after) if (tid !== main) otherThreadsCpuMs += cpuMs - (before.get(tid)?.cpuMs ?? 0);
  return { mainWaitMs: end.waitMs - start.waitMs, otherThreadsCpuMs };
}
