/**
 * What workers tell the coordinator about its jobs, on one Redis channel per run:
 * log lines, the end of a job (its result, once stored), a job whose worker was
 * lost. The coordinator subscribes while it has jobs of that run in flight and
 * hands each message to whoever tracks the job. One message per job end, rather
 * than reading BullMQ's event stream (four events per job, for every job of the
 * queue, whoever added it), is most of what a coordinator saves per task.
 *
 * A channel stays subscribed a little after its last job ends, so a chain of short
 * tasks does not subscribe and unsubscribe for each one. Pub/sub can lose messages
 * while a connection is down; the dispatcher's reconciliation finds those jobs'
 * ends in Redis.
 */
import type { Redis } from 'ioredis';
import { runChannel, type LogLine, type RunMessage } from './job-protocol.js';
import { isSealed } from './payload-codec.js';

const LINGER_MS = 5_000;

interface Subscription {
  users: number;
  ready: Promise<unknown>;
  linger?: NodeJS.Timeout;
}

export class RunChannels {
  private readonly channels = new Map<string, Subscription>();

  constructor(
    private readonly subscriber: Redis,
    deliver: (message: RunMessage) => void,
  ) {
    subscriber.on('message', (_channel: string, text: string) => {
      const message = parseRunMessage(text);
      if (message) deliver(message);
    });
  }

  /** Listens on the run's channel; resolves once subscribed. Call the returned function when done. */
  async attach(runId: string): Promise<() => void> {
    const channel = runChannel(runId);
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

/** A message as published, or undefined for anything else; sealed parts are opened later, only for jobs someone waits for. */
function parseRunMessage(text: string): RunMessage | undefined {
  let value: { jobId?: unknown; log?: unknown; result?: unknown; lost?: unknown };
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof value.jobId !== 'string') return undefined;
  const { jobId } = value;
  if ('result' in value) return { jobId, result: value.result };
  if (value.lost === true) return { jobId, lost: true };
  if (isSealed(value.log)) return { jobId, log: value.log };
  const log = value.log as Partial<LogLine> | undefined;
  if (typeof log?.line !== 'string') return undefined;
  return { jobId, log: { stream: log.stream === 'stdout' || log.stream === 'stderr' ? log.stream : 'log', line: log.line } };
}
