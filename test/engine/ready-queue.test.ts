import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankHeap, ranksBefore, type Ranked } from '../../src/engine/ready-queue.js';

const rank = fc.record({
  priority: fc.integer({ min: -2, max: 2 }),
  criticalPath: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 5, noNaN: true })),
  order: fc.integer({ min: 0, max: 20 }),
});

describe('RankHeap', () => {
  it('hands entries out in rank order, however pushes and pops interleave', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(rank, fc.constant('pop' as const)), { maxLength: 200 }), (steps) => {
        const heap = new RankHeap<Ranked>();
        const model: Ranked[] = [];
        let seq = 0;
        for (const step of steps) {
          if (step === 'pop') {
            model.sort((a, b) => (ranksBefore(a, b) ? -1 : 1));
            expect(heap.pop()).toBe(model.shift());
          } else {
            const entry = { ...step, seq: seq++ };
            heap.push(entry);
            model.push(entry);
          }
          expect(heap.size).toBe(model.length);
        }
        model.sort((a, b) => (ranksBefore(a, b) ? -1 : 1));
        for (const expected of model) expect(heap.pop()).toBe(expected);
        expect(heap.pop()).toBeUndefined();
        expect(heap.peek()).toBeUndefined();
      }),
    );
  });
});
