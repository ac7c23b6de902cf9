/**
 * Keeps the last `limit` bytes of a stream, so a task that prints gigabytes costs
 * weft a bounded amount of memory while its most recent output stays available.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(readonly limit: number) {}

  push(chunk: Buffer): void {
    // A copy, not a view: a view would keep the whole oversized chunk alive.
    const kept = chunk.length > this.limit ? Buffer.from(chunk.subarray(chunk.length - this.limit)) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    let first = this.chunks[0];
    while (first && this.chunks.length > 1 && this.size - first.length >= this.limit) {
      this.chunks.shift();
      this.size -= first.length;
      first = this.chunks[0];
    }
  }

  /** The kept bytes as text; a character cut in half at the front is dropped. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    let start = Math.max(0, all.length - this.limit);
    while (start < all.length && ((all[start] ?? 0) & 0xc0) === 0x80) start++;
    return all.subarray(start).toString('utf8');
  }
}
