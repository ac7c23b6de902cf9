/**
 * The jobs a coordinator waits for, by job id. Whatever learns how a job ended
 * (its worker's message, a reconciliation pass, a cancel that removed it) settles
 * its flight here, once; log lines published for it are handed to its task's
 * context. Results and log lines that come sealed are opened here, and only for
 * jobs this coordinator waits for.
 */
import type { Queue } from 'bullmq';
import { ErrorCodes, TaskError } from '../engine/errors.js';
import type { TaskContext } from '../engine/executor.js';
import type { AddBatch } from './add-batch.js';
import { lostJobError, sealContext, type JobResult, type LogLine } from './job-protocol.js';
import { openValue, type PayloadCodec, type Sealed } from './payload-codec.js';

/** How long the last log lines of a job may trail its result. */
const LOG_TRAIL_MS = 1_000;

export interface QueueLink {
  queue: Queue;
  adds: AddBatch;
}

/** One job the coordinator waits for. */
export interface Flight {
  jobId: string;
  link: QueueLink;
  ctx: TaskContext;
  /** When it was known to be in Redis: from then on, its absence means it was lost. */
  confirmedAt?: number;
  logLines: number;
  onLog?: () => void;
  /** Dispatches waiting for this job: the same attempt dispatched twice shares one job. */
  waiters: number;
  settled: boolean;
  /** Settles once, with the job's result or why it has none. */
  result: Promise<JobResult>;
  resolve(result: JobResult): void;
  reject(error: TaskError): void;
}

export class JobFlights {
  private readonly flights = new Map<string, Flight>();

  constructor(private readonly codec: PayloadCodec | undefined) {}

  /** Starts waiting for a job (or joins whoever already waits); `pending` collects it for `untrack`. */
  track(jobId: string, link: QueueLink, ctx: TaskContext, pending: Flight[]): Flight {
    const existing = this.flights.get(jobId);
    if (existing) {
      existing.waiters++;
      pending.push(existing);
      return existing;
    }
    let resolve!: (result: JobResult) => void;
    let reject!: (error: TaskError) => void;
    const result = new Promise<JobResult>((res, rej) => ((resolve = res), (reject = rej)));
    // It may be rejected before anyone awaits it (a job that fails at once).
    result.catch(() => undefined);
    const flight: Flight = { jobId, link, ctx, confirmedAt: undefined, logLines: 0, waiters: 1, settled: false, result, resolve, reject };
    this.flights.set(jobId, flight);
    pending.push(flight);
    return flight;
  }

  /** Stops waiting for a job once no dispatch waits for it any more. */
  untrack(flight: Flight, pending?: Flight[]): void {
    if (pending) pending.splice(pending.indexOf(flight), 1);
    if (--flight.waiters === 0 && this.flights.get(flight.jobId) === flight) this.flights.delete(flight.jobId);
  }

  get(jobId: string): Flight | undefined {
    return this.flights.get(jobId);
  }

  /** Jobs known to be in Redis since `confirmedBy` or earlier, whose end is not known yet. */
  unsettled(confirmedBy: number): Flight[] {
    return [...this.flights.values()].filter((flight) => flight.confirmedAt !== undefined && flight.confirmedAt <= confirmedBy && !flight.settled);
  }

  confirm(flight: Flight): void {
    flight.confirmedAt ??= Date.now();
  }

  settle(flight: Flight, outcome: JobResult | TaskError): void {
    if (flight.settled) return;
    flight.settled = true;
    if (outcome instanceof TaskError) flight.reject(outcome);
    else flight.resolve(outcome);
  }

  /** Every flight ends with `error`. */
  settleAll(error: (flight: Flight) => TaskError): void {
    for (const flight of this.flights.values()) this.settle(flight, error(flight));
  }

  /** A job's return value arrived. */
  finished(jobId: string, returnvalue: unknown): void {
    const flight = this.flights.get(jobId);
    if (flight) this.settle(flight, this.read(flight, returnvalue));
  }

  /** A job's return value as a result, opened if it came sealed; or why it is none. */
  read(flight: Flight, returnvalue: unknown): JobResult | TaskError {
    let result: unknown;
    try {
      result = openValue(this.codec, returnvalue, sealContext.result(flight.jobId));
    } catch (error) {
      return TaskError.from(error);
    }
    if (isJobResult(result)) return result;
    const queue = flight.link.queue.name;
    return new TaskError(ErrorCodes.EXECUTOR_ERROR, `job ${flight.jobId} returned something that is not a weft result; is a non-weft worker listening on ${queue}?`);
  }

  /** BullMQ failed a job itself: its worker was lost. */
  failed(jobId: string, failedReason: string): void {
    const flight = this.flights.get(jobId);
    if (flight) this.settle(flight, lostJobError(jobId, failedReason));
  }

  deliverLog(jobId: string, log: LogLine | Sealed): void {
    const flight = this.flights.get(jobId);
    if (!flight) return;
    flight.logLines++;
    const { stream, line } = this.openLog(jobId, log);
    flight.ctx.logStream(stream, line);
    flight.onLog?.();
  }

  private openLog(jobId: string, log: LogLine | Sealed): LogLine {
    if (!('sealed' in log)) return log;
    try {
      const opened = openValue(this.codec, log, sealContext.log(jobId)) as Partial<LogLine>;
      if (typeof opened.line === 'string') return { stream: opened.stream === 'stdout' || opened.stream === 'stderr' ? opened.stream : 'log', line: opened.line };
      return { stream: 'log', line: '[weft] a log line of this attempt came in a form weft does not know' };
    } catch (error) {
      return { stream: 'log', line: `[weft] a log line of this attempt could not be decrypted: ${(error as Error).message}` };
    }
  }

  /** Waits briefly for log lines published before the result but delivered after it. */
  async awaitLogs(flight: Flight, expected: number): Promise<void> {
    if (flight.logLines >= expected) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LOG_TRAIL_MS);
      flight.onLog = () => {
        if (flight.logLines < expected) return;
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function isJobResult(value: unknown): value is JobResult {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}
