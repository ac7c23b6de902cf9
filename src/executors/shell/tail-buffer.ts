/**
 * Keeps the last `limit` bytes of a stream, so a task that prints gigabytes costs
 * weft a bounded amount of memory while its most recent output stays available.
 *
 * Once the stream has outgrown the limit, the tail starts at a line (after a
 * `\n` or a `\r`): the piece of a line cut at its front is dropped. Secrets are
 * hidden later by matching them whole (or line by line), so the back half of
 * one, left at the cut, would be written out as it is.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** One byte more than the limit is kept: the byte before the tail says whether it starts a line. */
  private readonly keep: number;

  constructor(readonly limit: number) {
    this.keep = limit + 1;
  }

  push(chunk: Buffer): void {
    // A copy, not a view: a view would keep the whole oversized chunk alive.
    const kept = chunk.length > this.keep ? Buffer.from(chunk.subarray(chunk.length - this.keep)) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    let first = this.chunks[0];
    while (first && this.chunks.length > 1 && this.size - first.length >= this.keep) {
      this.chunks.shift();
      this.size -= first.length;
      first = this.chunks[0];
    }
  }

  /** The kept bytes as text, from the first line that starts inside them. */
  text(): string {
    const all = Buffer.concat(this.chunks);
    if (all.length <= this.limit) return all.toString('utf8');
    const end = lineEnd(all, all.length - this.limit - 1);
    return end === -1 ? '' : all.subarray(end + 1).toString('utf8');
  }
}

/**
 * The first `\n` or `\r` at or after `from`; a carriage return counts, since a
 * progress bar redraws its line with one. Neither byte is ever part of a
 * multi-byte UTF-8 character, so what follows starts a character.
 */
function lineEnd(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i] === 0x0a || bytes[i] === 0x0d) return i;
  return -1;
}
