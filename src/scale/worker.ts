/**
 * The worker's side of scale-out: one BullMQ worker per executor this process
 * has, each on that executor's queue and on no other, so a job is only ever taken
 * by a process that can run it. A job runs its executor with a task context built
 * from the job; the result (or the executor's error) is the job's return value,
 * published on the run's channel once stored, as are log lines; a cancel request
 * aborts the executor's signal. A job whose data came sealed is answered sealed:
 * its result, log lines and outputs stored by reference.
 *
 * A worker that dies mid-job stops renewing the job's lock; another worker's
 * stalled-job check then fails the job (`maxStalledCount: 0`) and says so on the
 * job's run channel; the coordinator counts the attempt as lost and retries under
 * the task's policy.
 */
import { format } from 'node:util';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { TaskError, UsageError } from '../engine/errors.js';
import { SecretMask } from '../engine/secret-mask.js';
import type { Executor, LogStream, TaskContext } from '../engine/executor.js';
import {
  CANCEL_CHANNEL,
  formatBytes,
  fromWire,
  outputKey,
  queueName,
  runChannel,
  runChannelOfJob,
  ScaleErrorCodes,
  toWire,
  sealContext,
  type CancelMessage,
  type JobData,
  type JobPayload,
  type JobResult,
  type LogLine,
  type RunMessage,
} from './job-protocol.js';
import { isSealed, openValue, PayloadCodec } from './payload-codec.js';
import { closeRedis, connectRedis, loadBullMQ, redactUrl, reportToStderr, watchConnection, type ConnectionReport } from './redis-connection.js';

export interface WorkerOptions {
  /** `redis://host:port`. */
  redis: string;
  /** The executors this worker runs; it listens on their queues only. */
  executors: Executor[];
  /** Jobs of each executor run at once. @default 1 */
  concurrency?: number;
  /** Restricts `executors` to these names; naming one it lacks is a usage error. */
  only?: string[];
  /** The directory tasks run in, instead of the coordinator's (another machine may not have it). */
  workdir?: string;
  /**
   * Folders besides the workdir that tasks may use (see workspace-path.ts). Paths are
   * this machine's, so they come from the worker's own configuration, never the job.
   */
  workspaceRoots?: readonly string[];
  /** Outputs larger than this (as JSON) are stored beside the job, not in it. @default 16 KiB */
  inlineOutputBytes?: number;
  /** Outputs larger than this fail the attempt with OUTPUT_TOO_LARGE. @default 8 MiB */
  maxOutputBytes?: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is noticed after about this long. @default 30000 */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died. @default 30000 */
  stalledIntervalMs?: number;
  /** How long outputs stored by reference are kept. @default 86400 s */
  retainSeconds?: number;
  /**
   * The queue key (`WEFT_QUEUE_KEY`: 32 bytes as base64 or hex; `NEW,OLD` while
   * rotating), the same as the coordinator's. Without it, a job that came sealed
   * fails with PAYLOAD_UNREADABLE.
   */
  queueKey?: string;
  /** Where news of Redis outages, and of jobs this worker cannot decrypt, goes. @default stderr */
  onConnection?: ConnectionReport;
}

export interface RunningWorker {
  /** The queues listened on. */
  queues: string[];
  /** Stops taking jobs; waits for running ones unless `force`. */
  close(force?: boolean): Promise<void>;
}

/** Starts taking jobs; resolves once every queue is listened on. */
export async function runWorker(options: WorkerOptions): Promise<RunningWorker> {
  const executors = selectExecutors(options.executors, options.only);
  const codec = PayloadCodec.fromText(options.queueKey);
  const report = options.onConnection ?? reportToStderr;
  const quiet = () => undefined;
  const [{ Worker }, connection, publisher, subscriber] = await Promise.all([
    loadBullMQ(),
    connectRedis(options.redis, 'weft-worker', report),
    connectRedis(options.redis, 'weft-worker-publish', quiet),
    connectRedis(options.redis, 'weft-worker-cancel', quiet),
  ]);
  const controllers = new Map<string, AbortController>();
  subscriber.on('message', (_channel: string, text: string) => cancelFromMessage(controllers, text));
  await subscriber.subscribe(CANCEL_CHANNEL);

  const runner = new JobRunner(options, codec, publisher, controllers, report);
  const workers = executors.map((executor) => {
    const name = queueName(executor.name);
    const worker = new Worker(name, (job: Job) => runner.run(executor, job), {
      connection,
      concurrency: options.concurrency ?? 1,
      maxStalledCount: 0,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      autorun: true,
    });
    watchConnection(worker, `worker on ${name} at ${redactUrl(options.redis)}`, quiet);
    const tell = (channel: string, message: RunMessage) => void publisher.publish(channel, JSON.stringify(message)).catch(() => undefined);
    // After BullMQ stored the job's end: a coordinator that hears it need not read anything back.
    worker.on('completed', (job: Job, result: unknown) => tell(runChannel((job.data as JobData).runId), { jobId: job.id!, result }));
    worker.on('failed', (job: Job | undefined) => job && tell(runChannelOfJob(job.id!), { jobId: job.id!, lost: true }));
    worker.on('stalled', (jobId: string) => tell(runChannelOfJob(jobId), { jobId, lost: true }));
    return worker;
  });
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));

  return {
    queues: workers.map((worker) => worker.name),
    async close(force = false) {
      await Promise.all(workers.map((worker) => worker.close(force)));
      await Promise.all([closeRedis(subscriber), closeRedis(publisher), closeRedis(connection)]);
    },
  };
}

function selectExecutors(executors: Executor[], only: string[] | undefined): Executor[] {
  if (only === undefined) return executors;
  const byName = new Map(executors.map((executor) => [executor.name, executor]));
  const missing = only.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    const known = [...byName.keys()].join(', ');
    throw new UsageError(`this worker has no executor ${missing.map((name) => `"${name}"`).join(', ')}; it has ${known}. Check --executors, or add it to weft.config.mjs`);
  }
  return [...new Set(only)].map((name) => byName.get(name)!);
}

function cancelFromMessage(controllers: Map<string, AbortController>, text: string): void {
  let message: CancelMessage;
  try {
    message = JSON.parse(text) as CancelMessage;
  } catch {
    return;
  }
  controllers.get(message.jobId)?.abort(fromWire(message.reason));
}

/** Runs one job's executor and turns whatever happens into a JobResult, sealed when the job's data was. */
class JobRunner {
  private readonly inlineOutputBytes: number;
  private readonly maxOutputBytes: number;
  private readonly retainSeconds: number;
  /** Each kind of unreadable job is reported once, not once per job. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly options: WorkerOptions,
    private readonly codec: PayloadCodec | undefined,
    private readonly publisher: Redis,
    private readonly controllers: Map<string, AbortController>,
    private readonly report: ConnectionReport,
  ) {
    this.inlineOutputBytes = options.inlineOutputBytes ?? 16 * 1024;
    this.maxOutputBytes = options.maxOutputBytes ?? 8 * 2 ** 20;
    this.retainSeconds = options.retainSeconds ?? 86_400;
  }

  async run(executor: Executor, job: Job): Promise<unknown> {
    const jobId = job.id!;
    const data = job.data as JobData;
    const codec = isSealed(data.payload) ? this.codec : undefined;
    let payload: JobPayload;
    try {
      payload = openValue(this.codec, data.payload, sealContext.data(jobId)) as JobPayload;
    } catch (error) {
      return this.unreadable(jobId, TaskError.from(error));
    }
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    const channel = runChannel(data.runId);
    let logLines = 0;
    let lastPublish: Promise<unknown> = Promise.resolve();
    const publish = (stream: LogStream, line: string) => {
      logLines++;
      const log: LogLine = { stream, line };
      const message: RunMessage = { jobId, log: codec ? codec.seal(JSON.stringify(log), sealContext.log(jobId)) : log };
      lastPublish = this.publisher.publish(channel, JSON.stringify(message)).catch(() => undefined);
    };
    try {
      const outputs = await executor.execute(payload.input, this.contextFor(data, payload, controller.signal, publish));
      if (controller.signal.aborted) throw controller.signal.reason;
      return await this.encode(jobId, data, outputs, logLines, codec);
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      return answer({ ok: false, error: toWire(TaskError.from(reason, hiderOf(payload.secrets))), logLines }, jobId, codec);
    } finally {
      this.controllers.delete(jobId);
      await lastPublish;
    }
  }

  /**
   * A job this worker cannot decrypt fails its attempt, not retried: the answer is in
   * the clear (this worker cannot seal for the coordinator's key, and it holds no
   * task data), and the operator hears of it here too.
   */
  private unreadable(jobId: string, error: TaskError): JobResult {
    const kind = error.message.replace(jobId, '<job>');
    if (!this.reported.has(kind)) {
      this.reported.add(kind);
      this.report(`cannot run job ${jobId}: ${error.message}`);
    }
    return { ok: false, error: toWire(error), logLines: 0 };
  }

  private contextFor(data: JobData, payload: JobPayload, signal: AbortSignal, publish: (stream: LogStream, line: string) => void): TaskContext {
    return {
      runId: data.runId,
      taskId: data.taskId,
      attempt: data.attempt,
      signal,
      workdir: this.options.workdir ?? data.workdir,
      workspaceRoots: this.options.workspaceRoots ?? [],
      idempotencyKey: data.idempotencyKey,
      env: payload.env,
      workflow: data.workflow,
      startedAt: data.startedAt,
      ...(payload.approval ? { approval: payload.approval } : {}),
      log: (...args: unknown[]) => publish('log', format(...args)),
      logStream: publish,
    };
  }

  /**
   * Small outputs travel in the result; larger ones beside it; too large ones fail
   * the attempt. The outputs are turned into JSON once: a sealed result is built
   * around that text rather than encoding them again.
   */
  private async encode(jobId: string, data: JobData, outputs: unknown, logLines: number, codec: PayloadCodec | undefined): Promise<unknown> {
    const text = JSON.stringify(outputs) ?? '';
    const bytes = Buffer.byteLength(text);
    if (bytes <= this.inlineOutputBytes) {
      if (!codec) return { ok: true, outputs, logLines } satisfies JobResult;
      const body = text === '' ? `{"ok":true,"logLines":${logLines}}` : `{"ok":true,"logLines":${logLines},"outputs":${text}}`;
      return codec.seal(body, sealContext.result(jobId));
    }
    if (bytes > this.maxOutputBytes) {
      const error = new TaskError(
        ScaleErrorCodes.OUTPUT_TOO_LARGE,
        `task "${data.taskId}" returned ${formatBytes(bytes)} of outputs, more than the ${formatBytes(this.maxOutputBytes)} a worker sends back; ` +
          'write large results to shared storage and return their location, or raise the worker\'s --max-output-bytes',
        { retryable: false, details: { bytes, limit: this.maxOutputBytes } },
      );
      return answer({ ok: false, error: toWire(error), logLines }, jobId, codec);
    }
    const key = outputKey(jobId);
    const stored = codec ? JSON.stringify(codec.seal(text, sealContext.output(jobId))) : text;
    await this.publisher.set(key, stored, 'EX', this.retainSeconds);
    return answer({ ok: true, outputRef: key, bytes, logLines }, jobId, codec);
  }
}

/** A job's return value: the result, sealed when the job's data was. */
function answer(result: JobResult, jobId: string, codec: PayloadCodec | undefined): unknown {
  return codec ? codec.seal(JSON.stringify(result), sealContext.result(jobId)) : result;
}

/**
 * Hides the run's secrets in what an executor threw before it is cut to size: the
 * coordinator masks again, but a secret cut in two here would match nowhere.
 * Built only when an attempt fails.
 */
function hiderOf(secrets: readonly string[] | undefined): ((text: string) => string) | undefined {
  const mask = secrets ? SecretMask.of(secrets) : undefined;
  return mask && ((text) => mask.text(text));
}
