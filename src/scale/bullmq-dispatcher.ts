/**
 * The coordinator's side of scale-out: each attempt the engine starts becomes one
 * BullMQ job on its executor's queue, and the job's result (its return value, which
 * its worker also publishes on the run's channel) comes back as the attempt's
 * outcome. The engine keeps scheduling, limits, timeouts and retries; BullMQ only
 * carries the attempt (`attempts: 1`). Jobs made ready together are added together.
 *
 * Three things keep a job from being lost or run twice:
 * - its id is derived from run, task and attempt, so adding it again is a no-op;
 * - a later attempt first looks for an earlier one still in Redis (a coordinator
 *   that died and was resumed) and waits for it instead of starting another;
 * - jobs in flight are checked against Redis after every reconnect and every few
 *   seconds, so a job that vanished fails its attempt loudly (`JOB_LOST`).
 *
 * With a queue key, each job's data is sealed (payload-codec.ts); without one, a
 * run with secrets is refused before anything reaches Redis.
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AttemptCall, Dispatcher } from '../engine/attempt.js';
import { ErrorCodes, TaskError, WeftError } from '../engine/errors.js';
import type { TaskContext } from '../engine/executor.js';
import { AddBatch } from './add-batch.js';
import { JobFlights, type Flight, type QueueLink } from './job-flights.js';
import {
  CANCEL_CHANNEL,
  fromWire,
  jobIdFor,
  queueName,
  ScaleErrorCodes,
  sealContext,
  toWire,
  type CancelMessage,
  type JobData,
  type JobPayload,
  type RunMessage,
} from './job-protocol.js';
import { CodecErrorCodes, openValue, PayloadCodec, QUEUE_KEY_VARIABLE, sealValue } from './payload-codec.js';
import { RunChannels } from './run-channels.js';
import { checkRedisUrl, closeRedis, connectRedis, loadBullMQ, reportToStderr, type BullMQ, type ConnectionReport } from './redis-connection.js';

export interface QueueDispatcherOptions {
  /** `redis://host:port`. */
  redis: string;
  /** How long finished jobs stay in Redis, so a resumed coordinator finds their results. @default 86400 (a day) */
  retainSeconds?: number;
  /** How often jobs in flight are checked against Redis. @default 5000 */
  reconcileIntervalMs?: number;
  /**
   * The queue key (`WEFT_QUEUE_KEY`: 32 bytes as base64 or hex; `NEW,OLD` while
   * rotating). With it, every job's input, environment and result travel
   * encrypted; without it, runs with secrets are refused.
   */
  queueKey?: string;
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
  channels: RunChannels;
}

/** Runs every attempt as a BullMQ job for `weft worker` processes to take. */
export class QueueDispatcher implements Dispatcher {
  private readonly links = new Map<string, Promise<QueueLink>>();
  private readonly codec: PayloadCodec | undefined;
  private readonly flights: JobFlights;
  private readonly retainSeconds: number;
  private readonly report: ConnectionReport;
  private readonly sweepTimer: NodeJS.Timeout;
  private connections?: Promise<Connections>;
  private reconciling = false;
  private closed = false;

  constructor(private readonly options: QueueDispatcherOptions) {
    checkRedisUrl(options.redis);
    this.codec = PayloadCodec.fromText(options.queueKey);
    this.flights = new JobFlights(this.codec);
    this.report = options.onConnection ?? reportToStderr;
    this.retainSeconds = options.retainSeconds ?? 86_400;
    const interval = options.reconcileIntervalMs ?? 5_000;
    this.sweepTimer = setInterval(() => void this.reconcile(interval), interval);
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
      connectRedis(url, 'weft-coordinator-runs', () => undefined),
    ]);
    const channels = new RunChannels(subscriber, (message) => this.heard(message));
    // After an outage, look up every job: its end may have been published while no one listened.
    for (const client of [redis, subscriber]) {
      let outage = false;
      client.on('error', () => (outage = true));
      client.on('ready', () => {
        if (outage) void this.reconcile();
        outage = false;
      });
    }
    return { bullmq, redis, subscriber, channels };
  }

  private heard(message: RunMessage): void {
    if ('log' in message) return this.flights.deliverLog(message.jobId, message.log);
    if ('result' in message) return this.flights.finished(message.jobId, message.result);
    const flight = this.flights.get(message.jobId);
    if (flight) void this.reconcileOne(flight).catch(() => undefined);
  }

  /** A run with secrets needs a queue key, or its secrets would sit in Redis in the clear: refused before it starts. */
  checkRun(run: { hasSecrets: boolean }): void {
    if (run.hasSecrets && !this.codec) throw new WeftError(CodecErrorCodes.QUEUE_KEY_REQUIRED, `this run has secrets, ${NEEDS_A_KEY}`);
  }

  async dispatch(call: AttemptCall): Promise<unknown> {
    const { ctx, executor } = call;
    if (ctx.signal.aborted) throw TaskError.from(ctx.signal.reason);
    if (this.closed) throw new TaskError(ErrorCodes.CANCELLED, 'the queue dispatcher is closed');
    if (call.hasSecrets && !this.codec) throw secretsNeedAKey(ctx.taskId);
    const { channels } = await this.connect();
    const link = await this.link(executor.name);
    const release = await channels.attach(ctx.runId);
    const pending: Flight[] = [];
    try {
      const flight = (await this.reattach(link, ctx, pending)) ?? (await this.add(link, call, pending));
      return await this.outcome(flight);
    } finally {
      for (const flight of pending) this.flights.untrack(flight);
      release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.flights.settleAll((flight) => new TaskError(ErrorCodes.CANCELLED, `stopped waiting for job ${flight.jobId}: the queue dispatcher was closed`));
    const links = await Promise.allSettled(this.links.values());
    for (const link of links) {
      if (link.status === 'fulfilled') await link.value.queue.close().catch(() => undefined);
    }
    const connections = await this.connections?.catch(() => undefined);
    if (!connections) return;
    connections.channels.close();
    await Promise.all([closeRedis(connections.subscriber), closeRedis(connections.redis)]);
  }

  /** Opens the executor's queue once, on first use. */
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
    await queue.waitUntilReady();
    return { queue, adds: new AddBatch(queue) };
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
      this.flights.confirm(flight);
      if (UNFINISHED.has(state)) return flight;
      if (state === 'completed') {
        const job = (await link.queue.getJob(jobId)) as Job | undefined;
        const result = this.flights.read(flight, job?.returnvalue);
        if (!(result instanceof TaskError) && result.ok) {
          this.flights.settle(flight, result);
          return flight;
        }
      }
      this.flights.untrack(flight, pending);
      return undefined;
    }
    return undefined;
  }

  private async add(link: QueueLink, call: AttemptCall, pending: Flight[]): Promise<Flight> {
    const { ctx, input } = call;
    const jobId = jobIdFor(ctx.runId, ctx.taskId, ctx.attempt);
    const flight = this.flights.track(jobId, link, ctx, pending);
    const payload: JobPayload = { input, env: ctx.env, ...(ctx.approval ? { approval: ctx.approval } : {}), ...(call.mask ? { secrets: call.mask.values } : {}) };
    const data: JobData = {
      runId: ctx.runId,
      taskId: ctx.taskId,
      attempt: ctx.attempt,
      workdir: ctx.workdir,
      idempotencyKey: ctx.idempotencyKey,
      workflow: ctx.workflow,
      startedAt: ctx.startedAt,
      payload: sealValue(this.codec, payload, sealContext.data(jobId)) as JobData['payload'],
    };
    const keep = { age: this.retainSeconds };
    await link.adds.add(ctx.taskId, data, { jobId, attempts: 1, removeOnComplete: keep, removeOnFail: keep });
    this.flights.confirm(flight);
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
    const stored = JSON.parse(text) as unknown;
    // With a key every job is sealed, and so is what its worker stored.
    return this.codec ? openValue(this.codec, stored, sealContext.output(jobId)) : stored;
  }

  /** Removes a job no worker took yet; otherwise asks its worker to stop it, until it ends. */
  private async cancel(flight: Flight, reason: TaskError): Promise<void> {
    if (flight.confirmedAt === undefined || flight.settled) return;
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
   * Checks confirmed jobs in flight against Redis: settles those whose end this
   * coordinator missed, and fails those Redis no longer has. After a reconnect,
   * every job; on the regular sweep, those confirmed at least `minAgeMs` ago, so
   * thousands of short jobs do not each cost a look-up.
   */
  private async reconcile(minAgeMs = 0): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      const flights = this.flights.unsettled(Date.now() - minAgeMs);
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

const NEEDS_A_KEY =
  'and without a queue key they would sit in Redis in the clear. ' +
  `Set ${QUEUE_KEY_VARIABLE} to 32 random bytes (\`openssl rand -base64 32\`), the same on the coordinator and on every worker ` +
  '(embedding weft: pass queueKey to createQueueDispatcher and runWorker)';

function secretsNeedAKey(taskId: string): TaskError {
  return new TaskError(CodecErrorCodes.QUEUE_KEY_REQUIRED, `task "${taskId}" was not queued: its run has secrets, ${NEEDS_A_KEY}`, { retryable: false });
}
