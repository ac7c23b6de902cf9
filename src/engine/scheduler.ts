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
import { RankHeap, ranksBefore, type Ranked } from './ready-queue.js';

export { ranksBefore } from './ready-queue.js';

/** How many times a parked task may be overtaken by lower-ranked tasks. */
export const MAX_BYPASS = 8;

export interface Demand {
  limit: Limit;
  amount: number;
}

/** One unit of admission: a task (its next attempt) waiting for its limits. */
export interface SchedulerEntry extends Ranked {
  demands: readonly Demand[];
  /** Called once, when every demand has been taken. */
  start(): void;
  /** Set by the scheduler. */
  cancelled?: boolean;
  parkedOn?: Limit;
  bypassed?: number;
  /** When the entry last parked, in ms from the scheduler's `epoch`, for `heldBy`. */
  parkedAt?: number;
  /**
   * Ms spent parked, by limit: the first limit and its ms inline, any others in
   * `heldByMore` (rare), so parking allocates nothing. Read with `heldBy(entry)`.
   */
  heldOn?: Limit;
  heldMs?: number;
  heldByMore?: Record<string, number>;
}

/** Ms the entry spent parked on each limit, by limit name: what held it back. Undefined when nothing did. */
export function heldBy(entry: SchedulerEntry): Record<string, number> | undefined {
  if (!entry.heldOn) return undefined;
  return { [entry.heldOn.name]: entry.heldMs!, ...entry.heldByMore };
}

function noteHeld(entry: SchedulerEntry, limit: Limit, ms: number): void {
  if (!entry.heldOn || entry.heldOn === limit) {
    entry.heldOn = limit;
    entry.heldMs = (entry.heldMs ?? 0) + ms;
    return;
  }
  const more = (entry.heldByMore ??= {});
  more[limit.name] = (more[limit.name] ?? 0) + ms;
}

/** A counted limit: a concurrency cap or a resource pool. */
export class Limit {
  used = 0;
  /** Listed in the scheduler's `freed`. */
  freed = false;
  readonly waiters = new RankHeap<SchedulerEntry>();

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
  private readonly ready = new RankHeap<SchedulerEntry>();
  /**
   * Limits that gained room while entries wait on them; each listed once (`Limit.freed`).
   * The first `freedCount` slots are live: emptying the list by truncating it would give
   * its storage up and make the next task's release allocate it again.
   */
  private readonly freed: Limit[] = [];
  private freedCount = 0;
  private seq = 0;
  /** Parking times count from here: small whole numbers are stored in place, where a timestamp would be one more object per parked entry. */
  private readonly epoch = Date.now();
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
    // An entry may come back (a task's next attempt): what held it back is counted afresh.
    entry.heldOn = entry.heldMs = entry.heldByMore = undefined;
    this.ready.push(entry);
    this.pump();
  }

  /** Gives back what an admitted entry took. */
  release(entry: SchedulerEntry): void {
    this.running--;
    for (const { limit, amount } of entry.demands) {
      limit.used -= amount;
      if (limit.waiters.size > 0) this.noteFreed(limit);
    }
    this.pump();
  }

  /** Withdraws an entry that has not started; it is dropped lazily from the heaps. */
  withdraw(entry: SchedulerEntry): void {
    entry.cancelled = true;
    if (entry.parkedOn) {
      this.noteFreed(entry.parkedOn);
      this.pump();
    }
  }

  private noteFreed(limit: Limit): void {
    if (limit.freed) return;
    limit.freed = true;
    this.freed[this.freedCount++] = limit;
  }

  /**
   * Runs `fn` with admission held, then admits. Tasks that become ready together
   * (a run's roots, the dependents of a finished task) then compete by rank
   * instead of the first one enqueued taking the free slot.
   */
  batch(fn: () => void): void {
    const held = this.hold();
    try {
      fn();
    } finally {
      this.resume(held);
    }
  }

  /** `batch` without a closure: holds admission; returns whether this call took the hold, for `resume`. */
  hold(): boolean {
    if (this.pumping) return false;
    this.pumping = true;
    return true;
  }

  /** Ends a hold taken by `hold` (when it took one) and admits. */
  resume(held: boolean): void {
    if (!held) return;
    this.pumping = false;
    this.pump();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      do {
        this.wakeFreed();
        this.admitReady();
      } while (this.freedCount > 0);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Moves back to the ready heap as many waiters as the freed room can hold together.
   * A waiter that would come out of the ready heap first anyway (one limit freed, and
   * it ranks before every ready entry) starts at once, without the trip through it.
   */
  private wakeFreed(): void {
    const freed = this.freed;
    for (let i = 0; i < this.freedCount; i++) {
      const limit = freed[i]!;
      limit.freed = false;
      let budget = limit.free;
      for (let head = limit.head(); head; head = limit.head()) {
        const need = demandOn(head, limit);
        if (need > budget) break;
        budget -= need;
        limit.waiters.pop();
        head.parkedOn = undefined;
        noteHeld(head, limit, Date.now() - this.epoch - head.parkedAt!);
        if (this.freedCount === 1 && this.isBest(head) && !this.blocker(head)) {
          this.take(head);
          head.start();
        } else {
          this.ready.push(head);
        }
      }
    }
    this.freedCount = 0;
  }

  /** Whether `entry` ranks before everything in the ready heap. */
  private isBest(entry: SchedulerEntry): boolean {
    const top = this.ready.peek();
    return top === undefined || ranksBefore(entry, top);
  }

  private admitReady(): void {
    for (let entry = this.ready.pop(); entry; entry = this.ready.pop()) {
      if (entry.cancelled) continue;
      const blocker = this.blocker(entry);
      if (blocker) {
        entry.parkedOn = blocker;
        entry.parkedAt = Date.now() - this.epoch;
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
