/**
 * The coordinator's side of scale-out: each attempt the engine starts becomes one
 * BullMQ job on its executor's queue, and the job's result comes back as the
 * attempt's outcome. The engine keeps scheduling, limits, timeouts and retries;
 * BullMQ only carries the attempt (`attempts: 1`).
 *
 * Three things keep a job from being lost or run twice:
 * - its id is derived from run, task and attempt, so adding it again is a no-op;
 * - a later attempt first looks for an earlier one still in Redis (a coordinator
 *   that died and was resumed) and waits for it instead of starting another;
 * - jobs in flight are checked against Redis after every reconnect and every few
 *   seconds, so a job that vanished fails its attempt loudly (`JOB_LOST`).
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AttemptCall, Dispatcher } from '../engine/attempt.js';
import { ErrorCodes, TaskError } from '../engine/errors.js';
import type { TaskContext } from '../engine/executor.js';
import { JobFlights, type Flight, type QueueLink } from './job-flights.js';
import { CANCEL_CHANNEL, fromWire, jobIdFor, queueName, ScaleErrorCodes, toWire, type CancelMessage, type JobData, type JobResult } from './job-protocol.js';
import { LogRelay } from './log-relay.js';
import { checkRedisUrl, closeRedis, connectRedis, loadBullMQ, reportToStderr, watchConnection, type BullMQ, type ConnectionReport } from './redis-connection.js';

export interface QueueDispatcherOptions {
  /** `redis://host:port`. */
  redis: string;
  /** How long finished jobs stay in Redis, so a resumed coordinator finds their results. @default 86400 (a day) */
  retainSeconds?: number;
  /** How often jobs in flight are checked against Redis. @default 5000 */
  reconcileIntervalMs?: number;
  /** Where news of Redis outages goes. @default stderr */
  onConnection?: ConnectionReport;
}

/** A cancel request is repeated this often until the job ends, in case a worker missed it. */
const CANCEL_REPEAT_MS = 1_000;
const UNFINISHED = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** What the dispatcher opens on first use. */
interface Connections {
  bullmq: BullMQ;
  redis: Redis;
  subscriber: Redis;
  relay: LogRelay;
}

/** Runs every attempt as a BullMQ job for `weft worker` processes to take. */
export class QueueDispatcher implements Dispatcher {
  private readonly links = new Map<string, Promise<QueueLink>>();
  private readonly flights = new JobFlights();
  private readonly retainSeconds: number;
  private readonly report: ConnectionReport;
  private readonly sweepTimer: NodeJS.Timeout;
  private connections?: Promise<Connections>;
  private reconciling = false;
  private closed = false;

  constructor(private readonly options: QueueDispatcherOptions) {
    checkRedisUrl(options.redis);
    this.report = options.onConnection ?? reportToStderr;
    this.retainSeconds = options.retainSeconds ?? 86_400;
    this.sweepTimer = setInterval(() => void this.reconcile(), options.reconcileIntervalMs ?? 5_000);
    this.sweepTimer.unref();
  }

  private connect(): Promise<Connections> {
    this.connections ??= this.open();
    return this.connections;
  }

  private async open(): Promise<Connections> {
    const { redis: url } = this.options;
    const [bullmq, redis, subscriber] = await Promise.all([
      loadBullMQ(),
      connectRedis(url, 'weft-coordinator', this.report),
      connectRedis(url, 'weft-coordinator-logs', () => undefined),
    ]);
    const relay = new LogRelay(subscriber, (message) => this.flights.deliverLog(message));
    let outage = false;
    redis.on('error', () => (outage = true));
    redis.on('ready', () => {
      if (outage) void this.reconcile();
      outage = false;
    });
    return { bullmq, redis, subscriber, relay };
  }

  async dispatch(call: AttemptCall): Promise<unknown> {
    const { ctx, executor } = call;
    if (ctx.signal.aborted) throw TaskError.from(ctx.signal.reason);
    if (this.closed) throw new TaskError(ErrorCodes.CANCELLED, 'the queue dispatcher is closed');
    const { relay } = await this.connect();
    const link = await this.link(executor.name);
    const releaseLogs = await relay.attach(ctx.runId);
    const pending: Flight[] = [];
    try {
      const flight = (await this.reattach(link, ctx, pending)) ?? (await this.add(link, call, pending));
      return await this.outcome(flight);
    } finally {
      for (const flight of pending) this.flights.untrack(flight);
      releaseLogs();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.flights.settleAll((flight) => new TaskError(ErrorCodes.CANCELLED, `stopped waiting for job ${flight.jobId}: the queue dispatcher was closed`));
    const links = await Promise.allSettled(this.links.values());
    for (const link of links) {
      if (link.status === 'fulfilled') await Promise.allSettled([link.value.events.close(), link.value.queue.close()]);
    }
    const connections = await this.connections?.catch(() => undefined);
    if (!connections) return;
    connections.relay.close();
    await Promise.all([closeRedis(connections.subscriber), closeRedis(connections.redis)]);
  }

  /** Opens the executor's queue and its event reader once, on first use. */
  private link(executor: string): Promise<QueueLink> {
    let link = this.links.get(executor);
    if (!link) {
      link = this.openLink(queueName(executor));
      this.links.set(executor, link);
      link.catch(() => this.links.delete(executor));
    }
    return link;
  }

  private async openLink(name: string): Promise<QueueLink> {
    const { bullmq, redis } = await this.connect();
    const queue = new bullmq.Queue(name, { connection: redis });
    queue.on('error', () => undefined);
    // Read events from the stream's current end: every job added after this is seen.
    const last = (await redis.xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1))[0];
    const events = new bullmq.QueueEvents(name, { connection: redis, lastEventId: last?.[0] ?? '0-0' });
    watchConnection(events, `events of ${name}`, () => undefined);
    const link: QueueLink = { queue, events };
    events.on('completed', ({ jobId, returnvalue }) => this.flights.finished(jobId, returnvalue as unknown));
    events.on('failed', ({ jobId, failedReason }) => this.flights.failed(jobId, failedReason));
    await events.waitUntilReady();
    return link;
  }

  /**
   * A later attempt whose earlier one may still be in Redis (its coordinator died):
   * waits for that job if it is unfinished, takes its result if it succeeded, and
   * otherwise returns nothing so a new job runs.
   */
  private async reattach(link: QueueLink, ctx: TaskContext, pending: Flight[]): Promise<Flight | undefined> {
    for (let attempt = ctx.attempt - 1; attempt >= 1; attempt--) {
      const jobId = jobIdFor(ctx.runId, ctx.taskId, attempt);
      const flight = this.flights.track(jobId, link, ctx, pending);
      const state = await link.queue.getJobState(jobId);
      if (state === 'unknown') {
        this.flights.untrack(flight, pending);
        continue;
      }
      flight.confirmed = true;
      if (UNFINISHED.has(state)) return flight;
      const job = (await link.queue.getJob(jobId)) as Job | undefined;
      const result = job?.returnvalue as JobResult | undefined;
      if (state === 'completed' && result?.ok) {
        this.flights.settle(flight, result);
        return flight;
      }
      this.flights.untrack(flight, pending);
      return undefined;
    }
    return undefined;
  }

  private async add(link: QueueLink, call: AttemptCall, pending: Flight[]): Promise<Flight> {
    const { ctx, executor, input } = call;
    const jobId = jobIdFor(ctx.runId, ctx.taskId, ctx.attempt);
    const flight = this.flights.track(jobId, link, ctx, pending);
    const data: JobData = {
      runId: ctx.runId,
      taskId: ctx.taskId,
      attempt: ctx.attempt,
      executor: executor.name,
      input,
      workdir: ctx.workdir,
      idempotencyKey: ctx.idempotencyKey,
      env: ctx.env,
      workflow: ctx.workflow,
      startedAt: ctx.startedAt,
      ...(ctx.approval ? { approval: ctx.approval } : {}),
    };
    const keep = { age: this.retainSeconds };
    await link.queue.add(ctx.taskId, data, { jobId, attempts: 1, removeOnComplete: keep, removeOnFail: keep });
    flight.confirmed = true;
    return flight;
  }

  /** The attempt's outputs, or its error; a cancel request reaches the worker meanwhile. */
  private async outcome(flight: Flight): Promise<unknown> {
    const { signal } = flight.ctx;
    const onAbort = () => void this.cancel(flight, TaskError.from(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    try {
      const result = await flight.result;
      await this.flights.awaitLogs(flight, result.logLines);
      if (!result.ok) throw fromWire(result.error);
      if ('outputRef' in result) return await this.fetchOutput(flight.jobId, result.outputRef);
      return result.outputs;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async fetchOutput(jobId: string, key: string): Promise<unknown> {
    const { redis } = await this.connect();
    const text = await redis.get(key);
    if (text === null) {
      throw new TaskError(ScaleErrorCodes.JOB_LOST, `the output of job ${jobId} was stored in Redis at ${key}, but it is gone (expired or Redis lost its data)`, {
        retryable: false,
      });
    }
    return JSON.parse(text) as unknown;
  }

  /** Removes a job no worker took yet; otherwise asks its worker to stop it, until it ends. */
  private async cancel(flight: Flight, reason: TaskError): Promise<void> {
    if (!flight.confirmed || flight.settled) return;
    const removed = await flight.link.queue.remove(flight.jobId).catch(() => 0);
    if (removed === 1) return this.flights.settle(flight, reason);
    const { redis } = await this.connect();
    const message = JSON.stringify({ jobId: flight.jobId, reason: toWire(reason) } satisfies CancelMessage);
    const publish = () => void redis.publish(CANCEL_CHANNEL, message).catch(() => undefined);
    publish();
    const repeat = setInterval(() => (flight.settled || flight.waiters === 0 ? clearInterval(repeat) : publish()), CANCEL_REPEAT_MS);
    repeat.unref();
  }

  /**
   * Checks every confirmed job in flight against Redis: settles those whose end
   * this coordinator missed, and fails those Redis no longer has.
   */
  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      const flights = this.flights.unsettled();
      await Promise.all(flights.map((flight) => this.reconcileOne(flight).catch(() => undefined)));
    } finally {
      this.reconciling = false;
    }
  }

  private async reconcileOne(flight: Flight): Promise<void> {
    const { queue } = flight.link;
    const state = await queue.getJobState(flight.jobId);
    if (flight.settled || UNFINISHED.has(state)) return;
    if (state === 'unknown') {
      return this.flights.settle(
        flight,
        new TaskError(
          ScaleErrorCodes.JOB_LOST,
          `job ${flight.jobId} of task "${flight.ctx.taskId}" is no longer in Redis (was Redis restarted without persistence, or the queue ${queue.name} emptied?); ` +
            'the attempt cannot be accounted for, so it fails rather than run twice or be forgotten. Resume the run to start it again',
          { retryable: false },
        ),
      );
    }
    const job = (await queue.getJob(flight.jobId)) as Job | undefined;
    if (state === 'completed') this.flights.finished(flight.jobId, job?.returnvalue);
    else this.flights.failed(flight.jobId, job?.failedReason ?? 'failed');
  }
}

