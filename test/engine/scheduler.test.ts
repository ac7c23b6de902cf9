import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heldBy, Limit, MAX_BYPASS, Scheduler, type SchedulerEntry } from '../../src/engine/scheduler.js';

function entry(name: string, demands: [Limit, number][], started: string[], rank: Partial<SchedulerEntry> = {}): SchedulerEntry {
  return {
    priority: 0,
    criticalPath: 0,
    order: 0,
    ...rank,
    demands: demands.map(([limit, amount]) => ({ limit, amount })),
    start: () => started.push(name),
  };
}

describe('Scheduler', () => {
  it('orders ready tasks by priority, then critical path, then file order', () => {
    const slot = new Limit('slot', 1);
    const s = new Scheduler();
    const started: string[] = [];
    const blocker = entry('blocker', [[slot, 1]], started);
    s.enqueue(blocker);
    s.enqueue(entry('late-file-order', [[slot, 1]], started, { order: 9 }));
    s.enqueue(entry('early-file-order', [[slot, 1]], started, { order: 1 }));
    s.enqueue(entry('long-path', [[slot, 1]], started, { criticalPath: 5, order: 10 }));
    s.enqueue(entry('high-priority', [[slot, 1]], started, { priority: 2, order: 11 }));
    const entries = new Map<string, SchedulerEntry>();
    expect(started).toEqual(['blocker']);
    // Release one at a time: each release admits exactly the next best.
    const order = ['high-priority', 'long-path', 'early-file-order', 'late-file-order'];
    s.release(blocker);
    for (const name of order.slice(0, -1)) {
      expect(started.at(-1)).toBe(name);
      entries.set(name, blocker);
      s.release(blocker);
    }
    expect(started).toEqual(['blocker', ...order]);
  });

  it('takes all resources at once or none', () => {
    const gpu = new Limit('gpu', 2);
    const llm = new Limit('llm', 1);
    const s = new Scheduler();
    const started: string[] = [];
    const a = entry('a', [[llm, 1]], started);
    s.enqueue(a);
    s.enqueue(entry('b', [[gpu, 2], [llm, 1]], started));
    expect(started).toEqual(['a']);
    expect(gpu.used).toBe(0);
    s.release(a);
    expect(started).toEqual(['a', 'b']);
    expect(gpu.used).toBe(2);
  });

  it('lets small tasks backfill ahead of a big one, but never starves it', () => {
    const pool = new Limit('pool', 2);
    const s = new Scheduler();
    const started: string[] = [];
    const first = entry('first', [[pool, 1]], started);
    s.enqueue(first);
    s.enqueue(entry('big', [[pool, 2]], started, { priority: 1 }));
    const smalls: SchedulerEntry[] = [];
    for (let i = 0; i < MAX_BYPASS + 5; i++) {
      const small = entry(`small${i}`, [[pool, 1]], started);
      smalls.push(small);
      s.enqueue(small);
    }
    // One unit is free: the first small backfills it.
    expect(started).toEqual(['first', 'small0']);
    s.release(first);
    let i = 0;
    while (!started.includes('big')) {
      s.release(smalls[i++]!);
      expect(i).toBeLessThanOrEqual(MAX_BYPASS + 2);
    }
    expect(started.indexOf('big')).toBeLessThanOrEqual(MAX_BYPASS + 2);
  });

  it('drops withdrawn entries, even when parked', () => {
    const slot = new Limit('slot', 1);
    const s = new Scheduler();
    const started: string[] = [];
    const a = entry('a', [[slot, 1]], started);
    const b = entry('b', [[slot, 1]], started);
    s.enqueue(a);
    s.enqueue(b);
    s.enqueue(entry('c', [[slot, 1]], started));
    s.withdraw(b);
    s.release(a);
    expect(started).toEqual(['a', 'c']);
  });

  it('starts a woken waiter before ready tasks it outranks, and after those that outrank it', () => {
    for (const [readyRank, expected] of [
      [{ priority: -1 }, ['running', 'waiter', 'ready']],
      [{ priority: 1 }, ['running', 'ready', 'waiter']],
    ] as const) {
      const slot = new Limit('slot', 1);
      const s = new Scheduler();
      const started: string[] = [];
      const running = entry('running', [[slot, 1]], started);
      s.enqueue(running);
      s.enqueue(entry('waiter', [[slot, 1]], started));
      // The end of `running` readies another task in the same batch, as a finished task readies its dependents.
      s.batch(() => {
        s.release(running);
        s.enqueue(entry('ready', [[slot, 1]], started, readyRank));
      });
      expect(started).toEqual(expected.slice(0, 2));
      expect(slot.used).toBe(1);
      expect(slot.waiters.size).toBe(1);
    }
  });

  it('counts what held an entry back afresh each time it is queued', () => {
    const slot = new Limit('slot', 1);
    const s = new Scheduler();
    const started: string[] = [];
    const first = entry('first', [[slot, 1]], started);
    const again = entry('again', [[slot, 1]], started);
    s.enqueue(first);
    s.enqueue(again);
    s.release(first);
    expect(heldBy(again)).toEqual({ slot: expect.any(Number) });
    // Its next attempt finds the slot free: nothing held it back this time.
    s.release(again);
    s.enqueue(again);
    expect(started).toEqual(['first', 'again', 'again']);
    expect(heldBy(again)).toBeUndefined();
  });

  it('never exceeds any limit and starts every entry exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.array(fc.nat(3), { maxLength: 4 }), fc.integer({ min: -2, max: 2 })), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
        (capacities, specs, picks) => {
          const limits = capacities.map((c, i) => new Limit(`l${i}`, c));
          const s = new Scheduler();
          const running: SchedulerEntry[] = [];
          const startedCount = new Map<SchedulerEntry, number>();
          const check = () => {
            for (const l of limits) expect(l.used).toBeLessThanOrEqual(l.capacity);
          };
          const entries = specs.map(([uses, priority]) => {
            const demands = [...new Set(uses.filter((u) => u < limits.length))].map((u) => ({
              limit: limits[u]!,
              amount: 1 + (u % limits[u]!.capacity),
            }));
            const e: SchedulerEntry = {
              priority,
              criticalPath: 0,
              order: 0,
              demands,
              start: () => {
                startedCount.set(e, (startedCount.get(e) ?? 0) + 1);
                running.push(e);
                check();
              },
            };
            return e;
          });
          for (const e of entries) s.enqueue(e);
          let p = 0;
          while (running.length > 0) {
            const [done] = running.splice((picks[p++ % picks.length] ?? 0) % running.length, 1);
            s.release(done!);
            check();
          }
          for (const e of entries) expect(startedCount.get(e)).toBe(1);
          for (const l of limits) expect(l.used).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
