/**
 * A binary heap of scheduler entries, best rank on top. The scheduler keeps one for
 * ready tasks and one per limit for the tasks waiting on it; all operations are
 * O(log n).
 *
 * The rank of each entry (priority, critical path, file order, arrival) is copied
 * into a typed array beside it, so sifting compares numbers lying next to each
 * other instead of following pointers to entries scattered through the heap: with
 * thousands of tasks waiting, those cache misses were most of the scheduler's time.
 */

/** What orders entries: higher priority, longer critical path, earlier in the file, then first come. */
export interface Ranked {
  priority: number;
  criticalPath: number;
  order: number;
  /** Arrival number; set by the scheduler before the entry enters a heap. */
  seq?: number;
}

/** Entries that must come out first: higher priority, longer critical path, file order, then FIFO. */
export function ranksBefore(a: Ranked, b: Ranked): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.criticalPath !== b.criticalPath) return a.criticalPath > b.criticalPath;
  if (a.order !== b.order) return a.order < b.order;
  return a.seq! < b.seq!;
}

/** Numbers per entry in `keys`: priority, critical path, order, seq. */
const KEYS = 4;

export class RankHeap<T extends Ranked> {
  /** Slots past `count` are empty; the arrays never shrink, so a heap that fills and drains all run long does not reallocate. */
  private items: (T | undefined)[] = new Array(16);
  private keys = new Float64Array(16 * KEYS);
  private count = 0;

  get size(): number {
    return this.count;
  }

  peek(): T | undefined {
    return this.count > 0 ? this.items[0] : undefined;
  }

  push(item: T): void {
    const i = this.count++;
    if (i === this.items.length) this.grow();
    this.siftUp(i, item, item.priority, item.criticalPath, item.order, item.seq!);
  }

  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const items = this.items;
    const top = items[0];
    const last = --this.count;
    const item = items[last]!;
    items[last] = undefined;
    if (last > 0) {
      const k = this.keys;
      const at = last * KEYS;
      this.siftDown(item, k[at]!, k[at + 1]!, k[at + 2]!, k[at + 3]!);
    }
    return top;
  }

  /** Whether the entry at slot `i` comes out before one ranked (p, c, o, q). */
  private slotBefore(i: number, p: number, c: number, o: number, q: number): boolean {
    const k = this.keys;
    const at = i * KEYS;
    if (k[at] !== p) return k[at]! > p;
    if (k[at + 1] !== c) return k[at + 1]! > c;
    if (k[at + 2] !== o) return k[at + 2]! < o;
    return k[at + 3]! < q;
  }

  /** Moves slot `from` into slot `to`. */
  private move(from: number, to: number): void {
    this.items[to] = this.items[from];
    const k = this.keys;
    const a = from * KEYS;
    const b = to * KEYS;
    k[b] = k[a]!;
    k[b + 1] = k[a + 1]!;
    k[b + 2] = k[a + 2]!;
    k[b + 3] = k[a + 3]!;
  }

  private place(i: number, item: T, p: number, c: number, o: number, q: number): void {
    this.items[i] = item;
    const k = this.keys;
    const at = i * KEYS;
    k[at] = p;
    k[at + 1] = c;
    k[at + 2] = o;
    k[at + 3] = q;
  }

  /** Carries the item up from the hole at `i`, moving worse parents down, then places it. */
  private siftUp(i: number, item: T, p: number, c: number, o: number, q: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.slotBefore(parent, p, c, o, q)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, item, p, c, o, q);
  }

  /** Carries the item down from the hole at the top, moving better children up, then places it. */
  private siftDown(item: T, p: number, c: number, o: number, q: number): void {
    const n = this.count;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.childBefore(child + 1, child)) child++;
      if (!this.slotBefore(child, p, c, o, q)) break;
      this.move(child, i);
      i = child;
    }
    this.place(i, item, p, c, o, q);
  }

  private childBefore(a: number, b: number): boolean {
    const k = this.keys;
    const at = b * KEYS;
    return this.slotBefore(a, k[at]!, k[at + 1]!, k[at + 2]!, k[at + 3]!);
  }

  private grow(): void {
    this.items.length *= 2;
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
  }
}
