/**
 * Brings workers' log lines back to the coordinator. Workers publish each line on
 * the run's channel; the coordinator subscribes while it has jobs of that run in
 * flight and hands each line to whoever tracks the job. A channel stays
 * subscribed a little after its last job ends, so a chain of short tasks does not
 * subscribe and unsubscribe for each one.
 */
import type { Redis } from 'ioredis';
import { logChannel, type LogMessage } from './job-protocol.js';

const LINGER_MS = 5_000;

interface Subscription {
  users: number;
  ready: Promise<unknown>;
  linger?: NodeJS.Timeout;
}

export class LogRelay {
  private readonly channels = new Map<string, Subscription>();

  constructor(
    private readonly subscriber: Redis,
    deliver: (message: LogMessage) => void,
  ) {
    subscriber.on('message', (_channel: string, text: string) => {
      const message = parseLogMessage(text);
      if (message) deliver(message);
    });
  }

  /** Listens on the run's channel; resolves once subscribed. Call the returned function when done. */
  async attach(runId: string): Promise<() => void> {
    const channel = logChannel(runId);
    let subscription = this.channels.get(channel);
    if (!subscription) {
      subscription = { users: 0, ready: this.subscriber.subscribe(channel) };
      this.channels.set(channel, subscription);
    }
    subscription.users++;
    clearTimeout(subscription.linger);
    subscription.linger = undefined;
    await subscription.ready;
    const held = subscription;
    return () => this.release(channel, held);
  }

  close(): void {
    for (const subscription of this.channels.values()) clearTimeout(subscription.linger);
    this.channels.clear();
  }

  private release(channel: string, subscription: Subscription): void {
    if (--subscription.users > 0) return;
    subscription.linger = setTimeout(() => {
      if (subscription.users > 0 || this.channels.get(channel) !== subscription) return;
      this.channels.delete(channel);
      void this.subscriber.unsubscribe(channel).catch(() => undefined);
    }, LINGER_MS);
    subscription.linger.unref();
  }
}

function parseLogMessage(text: string): LogMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<LogMessage>;
    if (typeof value.jobId !== 'string' || typeof value.line !== 'string') return undefined;
    const stream = value.stream === 'stdout' || value.stream === 'stderr' ? value.stream : 'log';
    return { jobId: value.jobId, stream, line: value.line };
  } catch {
    return undefined;
  }
}
