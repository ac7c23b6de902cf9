/**
 * Connections to Redis for the coordinator and workers. BullMQ's ESM build cannot
 * load ioredis by itself, so weft builds the clients and hands them over; BullMQ
 * duplicates them for its blocking reads. Every client retries for ever: an outage
 * is reported once when it starts and once when it ends, never as a crash.
 *
 * ioredis and BullMQ take most of a second to import, so they are imported on
 * first use: commands and embedders that never scale out do not pay for them.
 */
import type { Redis } from 'ioredis';
import { UsageError } from '../engine/errors.js';

export type BullMQ = typeof import('bullmq');

/** The BullMQ module, imported once on first use. */
export function loadBullMQ(): Promise<BullMQ> {
  return import('bullmq');
}

/** Checks a `redis://` or `rediss://` URL; anything else is a usage error. */
export function checkRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--redis expects a URL like redis://127.0.0.1:6379, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--redis expects a redis:// or rediss:// URL, got "${redactUrl(url)}"`);
  }
  return url;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

export type ConnectionReport = (message: string) => void;

/** Writes connection news to stderr, prefixed like the CLI's other messages. */
export const reportToStderr: ConnectionReport = (message) => {
  process.stderr.write(`weft: ${message}\n`);
};

/**
 * A client for `url` that BullMQ accepts for queues, workers and event readers
 * (`maxRetriesPerRequest: null`: commands wait out an outage instead of failing).
 */
export async function connectRedis(url: string, name: string, report: ConnectionReport): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(checkRedisUrl(url), {
    maxRetriesPerRequest: null,
    connectionName: name,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  });
  watchConnection(client, `${name} at ${redactUrl(url)}`, report);
  return client;
}

/** Reports the start and end of each outage of `emitter` once. */
export function watchConnection(emitter: { on(event: string, listener: (...args: any[]) => void): unknown }, what: string, report: ConnectionReport): void {
  let down = false;
  emitter.on('error', (error: Error) => {
    if (down) return;
    down = true;
    report(`lost the connection to Redis (${what}): ${error.message}; reconnecting`);
  });
  emitter.on('ready', () => {
    if (!down) return;
    down = false;
    report(`reconnected to Redis (${what})`);
  });
}

/** Closes a client, dropping it at once if Redis does not answer. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}
