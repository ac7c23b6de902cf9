/**
 * Admits ready tasks under every limit at once: engine, run and executor
 * concurrency and resource pools. A task takes all it needs at once or waits, so
 * there is no hold-and-wait and no deadlock.
 *
 * It never rescans the graph. Ready tasks sit in one heap ordered by rank; a task
 * that does not fit parks on the first limit it is short of, in that limit's own
 * heap, and is woken only when that limit frees enough room for it. Each state
 * change costs O(log n).
 *
 * Starvation: a lower-ranked task may start ahead of a parked higher-ranked one
 * that needs more of a limit than is free (a small task backfilling before a big
 * one), but only `MAX_BYPASS` times; then the limit is held for the big task.
 */
import { Heap } from './ready-queue.js';

/** How many times a parked task may be overtaken by lower-ranked tasks. */
export const MAX_BYPASS = 8;

export interface Demand {
  limit: Limit;
  amount: number;
}

/** One unit of admission: a task attempt waiting for its limits. */
export interface SchedulerEntry {
  priority: number;
  criticalPath: number;
  order: number;
  demands: readonly Demand[];
  /** Called once, when every demand has been taken. */
  start(): void;
  /** Set by the scheduler. */
  seq?: number;
  cancelled?: boolean;
  parkedOn?: Limit;
  bypassed?: number;
  /** When the entry last parked, for `heldBy`. */
  parkedAt?: number;
  /** Ms spent parked on each limit, by limit name: what held the entry back. */
  heldBy?: Record<string, number>;
}

/** Entries that must come out first: higher priority, longer critical path, file order, then FIFO. */
export function ranksBefore(a: SchedulerEntry, b: SchedulerEntry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.criticalPath !== b.criticalPath) return a.criticalPath > b.criticalPath;
  if (a.order !== b.order) return a.order < b.order;
  return a.seq! < b.seq!;
}

/** A counted limit: a concurrency cap or a resource pool. */
export class Limit {
  used = 0;
  readonly waiters = new Heap<SchedulerEntry>(ranksBefore);

  constructor(
    readonly name: string,
    readonly capacity: number,
  ) {}

  get free(): number {
    return this.capacity - this.used;
  }

  /** The best live waiter, dropping cancelled ones on the way. */
  head(): SchedulerEntry | undefined {
    let top = this.waiters.peek();
    while (top?.cancelled) {
      this.waiters.pop();
      top = this.waiters.peek();
    }
    return top;
  }
}

function demandOn(entry: SchedulerEntry, limit: Limit): number {
  for (const demand of entry.demands) if (demand.limit === limit) return demand.amount;
  return 0;
}

export class Scheduler {
  private readonly ready = new Heap<SchedulerEntry>(ranksBefore);
  private readonly freed = new Set<Limit>();
  private seq = 0;
  private pumping = false;
  private running = 0;

  /** Attempts admitted and not yet released. */
  get active(): number {
    return this.running;
  }

  enqueue(entry: SchedulerEntry): void {
    entry.seq = this.seq++;
    entry.cancelled = false;
    entry.bypassed = 0;
    this.ready.push(entry);
    this.pump();
  }

  /** Gives back what an admitted entry took. */
  release(entry: SchedulerEntry): void {
    this.running--;
    for (const { limit, amount } of entry.demands) {
      limit.used -= amount;
      if (limit.waiters.size > 0) this.freed.add(limit);
    }
    this.pump();
  }

  /** Withdraws an entry that has not started; it is dropped lazily from the heaps. */
  withdraw(entry: SchedulerEntry): void {
    entry.cancelled = true;
    if (entry.parkedOn) {
      this.freed.add(entry.parkedOn);
      this.pump();
    }
  }

  /**
   * Runs `fn` with admission held, then admits. Tasks that become ready together
   * (a run's roots, the dependents of a finished task) then compete by rank
   * instead of the first one enqueued taking the free slot.
   */
  batch(fn: () => void): void {
    if (this.pumping) return fn();
    this.pumping = true;
    try {
      fn();
    } finally {
      this.pumping = false;
    }
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      do {
        this.wakeFreed();
        this.admitReady();
      } while (this.freed.size > 0);
    } finally {
      this.pumping = false;
    }
  }

  /** Moves back to the ready heap as many waiters as the freed room can hold together. */
  private wakeFreed(): void {
    for (const limit of this.freed) {
      let budget = limit.free;
      for (let head = limit.head(); head; head = limit.head()) {
        const need = demandOn(head, limit);
        if (need > budget) break;
        budget -= need;
        limit.waiters.pop();
        head.parkedOn = undefined;
        const heldBy = (head.heldBy ??= {});
        heldBy[limit.name] = (heldBy[limit.name] ?? 0) + Date.now() - head.parkedAt!;
        this.ready.push(head);
      }
    }
    this.freed.clear();
  }

  private admitReady(): void {
    for (let entry = this.ready.pop(); entry; entry = this.ready.pop()) {
      if (entry.cancelled) continue;
      const blocker = this.blocker(entry);
      if (blocker) {
        entry.parkedOn = blocker;
        entry.parkedAt = Date.now();
        blocker.waiters.push(entry);
        continue;
      }
      this.take(entry);
      entry.start();
    }
  }

  /** The limit that keeps `entry` from starting now, if any. */
  private blocker(entry: SchedulerEntry): Limit | undefined {
    for (const { limit, amount } of entry.demands) {
      if (limit.free < amount) return limit;
      const head = limit.head();
      if (head && ranksBefore(head, entry) && head.bypassed! >= MAX_BYPASS) return limit;
    }
    return undefined;
  }

  private take(entry: SchedulerEntry): void {
    this.running++;
    for (const { limit, amount } of entry.demands) {
      const head = limit.head();
      if (head && ranksBefore(head, entry)) head.bypassed!++;
      limit.used += amount;
    }
  }
}
