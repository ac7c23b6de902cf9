/**
 * One attempt of one task: the executor called under a timeout and an abort
 * signal, with cross-cutting behaviour (circuit breakers, schema checks, storable
 * outputs) in layers.
 *
 * A layer is synchronous: it runs when the attempt enters, may refuse it by
 * throwing, and may hand back an exit that sees the attempt's end on the way out.
 * So however many layers there are, an attempt costs at most the dispatcher's
 * promise and one `then` on it, and an in-process executor that returns at once
 * costs neither (see `leaveSoon`): the dependents of such a task start one
 * microtask later.
 */
import { format } from 'node:util';
import { ErrorCodes, TaskError } from './errors.js';
import type { Executor, LogStream, TaskContext } from './executor.js';
import type { SecretMask } from './secret-mask.js';
import type { ApprovalDecision, CircuitBreakerOptions } from './types.js';

export interface AttemptCall {
  executor: Executor;
  input: unknown;
  ctx: TaskContext;
  controller: AbortController;
  timeoutMs?: number;
  /** How long to wait for an executor that ignores its abort signal before abandoning it. */
  abandonGraceMs: number;
  /** The circuit-breaker settings for this executor in this workflow, when it has one. */
  circuitBreaker?: CircuitBreakerOptions;
  /** The run has secrets: `input` and `ctx.env` may hold their values (a dispatcher that sends them elsewhere must protect them). */
  hasSecrets?: boolean;
  /** Hides the run's secrets; what the executor throws is masked with it before any of it is cut. */
  mask?: SecretMask;
}

/**
 * Runs as the attempt enters, outermost layer first; throwing fails the attempt
 * (the exits of the layers already entered see the error). The exit it returns, if
 * any, sees the attempt's end, innermost layer first.
 */
export type AttemptLayer = (call: AttemptCall) => AttemptExit | undefined;

export interface AttemptExit {
  /** Sees what the executor returned: returns it (or a replacement), or throws to fail the attempt. */
  succeeded?(value: unknown, call: AttemptCall): unknown;
  /** Sees why the attempt failed: returns the error to pass on. */
  failed?(error: unknown, call: AttemptCall): unknown;
}


/**
 * Where an attempt's executor actually runs. The engine keeps scheduling, limits,
 * schema checks, timeouts and retries; a dispatcher only carries the call to the
 * executor (in this process, or to a worker) and its result or error back. It must
 * stop the executor when `call.ctx.signal` aborts.
 */
export interface Dispatcher {
  dispatch(call: AttemptCall): Promise<unknown>;
  /**
   * Refuses, by throwing a `WeftError`, a run it could not carry, before the run
   * starts or is resumed: better than failing each of its tasks at dispatch.
   */
  checkRun?(run: { hasSecrets: boolean }): void;
  close?(): Promise<void>;
}

/** Runs the executor in this process. Not async, to spare each attempt one more async frame; a throw still becomes a rejection. */
export const inProcessDispatcher: Dispatcher = {
  dispatch(call) {
    try {
      return Promise.resolve(call.executor.execute(call.input, call.ctx));
    } catch (error) {
      return Promise.reject(error);
    }
  },
};

/** Where an attempt's log lines go. */
export interface LogSink {
  logLine(stream: LogStream, line: string): void;
}

/**
 * One attempt, from entering its layers to its outcome; also its abort switch.
 * Node's AbortSignal is an EventTarget that costs microseconds to make and to listen
 * on, so it is made only when someone reads `signal` (an executor that wants to stop
 * early); the attempt watches its own `aborted` flag.
 *
 * After an abort (cancellation, or `timeoutMs` passing) the executor gets
 * `abandonGraceMs` to stop (a shell task kills its processes); then the attempt ends
 * with the abort's reason and whatever the executor returns later is discarded.
 */
export abstract class Attempt implements AttemptCall, AbortController {
  input: unknown = undefined;
  ctx!: TaskContext;
  aborted = false;
  reason: unknown = undefined;
  private abortController: AbortController | undefined = undefined;
  /** The exits of the layers entered, in order: two inline (an attempt through the engine's layers has two), the rest in `moreExits`. */
  private firstExit: AttemptExit | undefined = undefined;
  private secondExit: AttemptExit | undefined = undefined;
  private moreExits: AttemptExit[] | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private graceTimer: NodeJS.Timeout | undefined = undefined;
  /** Between dispatch and the end: an abort then starts the grace period. */
  private inFlight = false;
  private over = false;

  /** Called once, with how the attempt ended: its outputs, or (`ok` false) a TaskError. Two arguments rather than an outcome object, which every attempt would make. */
  protected abstract ended(ok: boolean, value: unknown): void;

  // Read from what the attempt belongs to rather than copied into it: a queued attempt stays small.
  abstract get executor(): Executor;
  abstract get timeoutMs(): number | undefined;
  abstract get abandonGraceMs(): number;
  abstract get circuitBreaker(): CircuitBreakerOptions | undefined;
  abstract get hasSecrets(): boolean;

  get controller(): AbortController {
    return this;
  }

  get signal(): AbortSignal {
    if (!this.abortController) {
      this.abortController = new AbortController();
      if (this.aborted) this.abortController.abort(this.reason);
    }
    return this.abortController.signal;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.abortController?.abort(this.reason);
    if (this.inFlight) this.graceTimer = setTimeout(abandon, this.abandonGraceMs, this);
  }

  /** Enters the layers, outermost first, and hands the call to the dispatcher. */
  protected dispatch(layers: readonly AttemptLayer[], dispatcher: Dispatcher): void {
    if (this.timeoutMs !== undefined) this.timer = setTimeout(timeOut, this.timeoutMs, this);
    if (this.aborted) return leaveSoon(this, false, this.reason);
    this.inFlight = true;
    let returned: unknown;
    let thenable: boolean;
    try {
      for (let i = 0; i < layers.length; i++) {
        const exit = layers[i]!(this);
        if (!exit) continue;
        if (!this.firstExit) this.firstExit = exit;
        else if (!this.secondExit) this.secondExit = exit;
        else (this.moreExits ??= []).push(exit);
      }
      // In this process the executor is called directly: a plain value it returns then costs no promise and no closures.
      returned = dispatcher === inProcessDispatcher ? this.executor.execute(this.input, this.ctx) : dispatcher.dispatch(this);
      // Reading `then` runs a getter the executor may have planted: what it throws fails the attempt, as a promise would reject.
      thenable = isThenable(returned);
    } catch (error) {
      return leaveSoon(this, false, error);
    }
    if (thenable) leaveWhenSettled(this, returned as PromiseLike<unknown>);
    else leaveSoon(this, true, returned);
  }

  /** Ends the attempt without calling the executor, one microtask from now as if it had been called. */
  protected refuse(error: TaskError): void {
    void Promise.resolve().then(() => this.end(false, error));
  }

  /** @internal Passes the executor's result out through the exits, innermost first. */
  leave(ok: boolean, value: unknown): void {
    const more = this.moreExits;
    const count = this.secondExit ? 2 + (more?.length ?? 0) : this.firstExit ? 1 : 0;
    for (let i = count - 1; i >= 0; i--) {
      const exit = i === 0 ? this.firstExit! : i === 1 ? this.secondExit! : more![i - 2]!;
      try {
        if (!ok) {
          if (exit.failed) value = exit.failed(value, this);
        } else if (exit.succeeded) {
          value = exit.succeeded(value, this);
        }
      } catch (error) {
        ok = false;
        value = error;
      }
    }
    if (this.over) return;
    if (this.aborted) this.end(false, TaskError.from(this.reason));
    else this.end(ok, ok ? value : TaskError.from(value));
  }

  /** @internal the grace period is over, or the result is in. */
  end(ok: boolean, value: unknown): void {
    if (this.over) return;
    this.over = true;
    this.inFlight = false;
    clearTimeout(this.timer);
    clearTimeout(this.graceTimer);
    this.ended(ok, value);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Apart from `dispatch`, so that its closures are made only for executors that return a promise. */
function leaveWhenSettled(attempt: Attempt, returned: PromiseLike<unknown>): void {
  Promise.resolve(returned).then(
    (value) => attempt.leave(true, value),
    (error: unknown) => attempt.leave(false, error),
  );
}

/**
 * Attempts whose executor returned (or threw) at once, leaving together one microtask
 * later, as if their result had been a resolved promise: one shared `then` per batch
 * instead of a promise and two closures per attempt. Two batches take turns, so an
 * attempt that ends while a batch leaves waits for the next microtask, like any other.
 */
class LeavingBatch {
  attempts: (Attempt | undefined)[] = [];
  values: unknown[] = [];
  ok: boolean[] = [];
  count = 0;
}

const RESOLVED = Promise.resolve();
let leaving = new LeavingBatch();
let spareBatch = new LeavingBatch();

function leaveSoon(attempt: Attempt, ok: boolean, value: unknown): void {
  const batch = leaving;
  const i = batch.count++;
  batch.attempts[i] = attempt;
  batch.values[i] = value;
  batch.ok[i] = ok;
  if (i === 0) void RESOLVED.then(leaveBatch);
}

function leaveBatch(): void {
  const batch = leaving;
  leaving = spareBatch;
  spareBatch = batch;
  const { attempts, values, ok } = batch;
  // Slots are cleared rather than the arrays truncated, which would give their storage up and make the next batch allocate it again.
  for (let i = 0; i < batch.count; i++) {
    const attempt = attempts[i]!;
    const value = values[i];
    attempts[i] = values[i] = undefined;
    try {
      attempt.leave(ok[i]!, value);
    } catch (error) {
      // What a listener throws surfaces as it did from a promise callback, without stopping the rest of the batch.
      void Promise.reject(error);
    }
  }
  batch.count = 0;
}

function timeOut(attempt: Attempt): void {
  attempt.abort(new TaskError(ErrorCodes.TIMEOUT, `timed out after ${attempt.timeoutMs} ms`));
}

function abandon(attempt: Attempt): void {
  attempt.end(false, TaskError.from(attempt.reason));
}

/**
 * The context an engine attempt hands its executor. A class rather than an object
 * literal so that `signal`, `log` and `logStream` can be getters, on the prototype,
 * that make nothing unless the executor reads them.
 */
export class AttemptContext implements TaskContext {
  private logFn: ((...args: unknown[]) => void) | undefined = undefined;
  private logStreamFn: ((stream: LogStream, line: string) => void) | undefined = undefined;

  constructor(
    private readonly owner: Attempt & LogSink,
    readonly runId: string,
    readonly taskId: string,
    readonly attempt: number,
    readonly workdir: string,
    readonly env: Record<string, string>,
    readonly workflow: string,
    readonly startedAt: string,
    readonly approval: ApprovalDecision | undefined,
    readonly workspaceRoots: readonly string[],
  ) {}

  get signal(): AbortSignal {
    return this.owner.signal;
  }

  get idempotencyKey(): string {
    return `${this.runId}/${this.taskId}`;
  }

  /** A function, not a method: executors may pass it around on its own. */
  get log(): (...args: unknown[]) => void {
    return (this.logFn ??= (...args) => this.owner.logLine('log', format(...args)));
  }

  get logStream(): (stream: LogStream, line: string) => void {
    return (this.logStreamFn ??= (stream, line) => this.owner.logLine(stream, line));
  }
}
