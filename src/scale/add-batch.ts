/**
 * Adds jobs to a queue in batches. The scheduler starts every attempt it can in one
 * go, so a wide layer of a workflow becomes many adds in the same turn of the event
 * loop; they are sent as one `Queue.addBulk` (one pipelined write, one reply to
 * wait for) instead of one round trip each. A lone add waits only for the end of
 * the current turn.
 */
import type { JobsOptions, Queue } from 'bullmq';

/** Larger batches are split, so one pipeline never holds a whole 100,000-task layer. */
const MAX_BATCH = 500;

interface PendingAdd {
  job: { name: string; data: unknown; opts: JobsOptions };
  resolve(): void;
  reject(error: unknown): void;
}

export class AddBatch {
  private pending: PendingAdd[] = [];
  private scheduled = false;

  constructor(private readonly queue: Queue) {}

  /** Resolves once the job is in Redis (or already was: the same job id is never added twice). */
  add(name: string, data: unknown, opts: JobsOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job: { name, data, opts }, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (let start = 0; start < pending.length; start += MAX_BATCH) {
      const batch = pending.slice(start, start + MAX_BATCH);
      this.queue.addBulk(batch.map((entry) => entry.job)).then(
        () => batch.forEach((entry) => entry.resolve()),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      );
    }
  }
}
