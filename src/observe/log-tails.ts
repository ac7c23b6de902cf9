/** The last lines each task logged, kept from run events for reports and alerts. */
import type { RunEventSource } from './timeline.js';

export const DEFAULT_TAIL_LINES = 20;

export class LogTails {
  private readonly tails = new Map<string, string[]>();

  constructor(private readonly lines = DEFAULT_TAIL_LINES) {}

  attach(run: RunEventSource): this {
    run.on('task:log', (e) => this.add(e.taskId, e.line));
    return this;
  }

  add(taskId: string, line: string): void {
    let tail = this.tails.get(taskId);
    if (!tail) this.tails.set(taskId, (tail = []));
    tail.push(line);
    if (tail.length > this.lines) tail.shift();
  }

  get(taskId: string): readonly string[] {
    return this.tails.get(taskId) ?? [];
  }

  toRecord(): Record<string, string[]> {
    return Object.fromEntries(this.tails);
  }
}
