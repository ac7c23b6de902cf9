/**
 * One attempt of one task: input checked, executor called under a timeout and an
 * abort signal, output checked. Cross-cutting behaviour is a list of layers
 * `(call, next)` composed in one small loop, so timeouts, schema checks (and later
 * breakers or metrics) stay out of the run's logic.
 */
import type { ValidateFunction } from 'ajv';
import { format } from 'node:util';
import { ErrorCodes, TaskError } from './errors.js';
import type { Executor, LogStream, TaskContext } from './executor.js';
import type { SchemaChecker } from './schema-checker.js';
import type { ApprovalDecision, CircuitBreakerOptions } from './types.js';

/**
 * An attempt's abort switch, shaped like an AbortController. Node's AbortSignal is an
 * EventTarget that costs microseconds to make and to listen on, so it is made only
 * when someone reads `signal` (an executor that wants to stop early); the engine's own
 * layers watch the switch through `aborted`, `reason` and one plain listener.
 */
export class AttemptAbort implements AbortController {
  aborted = false;
  reason: unknown = undefined;
  /** The abort layer's listener, called once on abort. */
  listener: (() => void) | undefined = undefined;
  private controller: AbortController | undefined = undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.controller?.abort(this.reason);
    this.listener?.();
  }
}

/**
 * The context an engine attempt hands its executor. A class rather than an object
 * literal so that `signal` can be a getter, on the prototype, that leaves the
 * AbortSignal unmade unless the executor reads it.
 */
export class AttemptContext implements TaskContext {
  readonly log: (...args: unknown[]) => void;

  constructor(
    private readonly abortSwitch: AttemptAbort,
    readonly runId: string,
    readonly taskId: string,
    readonly attempt: number,
    readonly workdir: string,
    readonly env: Record<string, string>,
    readonly workflow: string,
    readonly startedAt: string,
    readonly approval: ApprovalDecision | undefined,
    readonly logStream: (stream: LogStream, line: string) => void,
  ) {
    this.log = (...args) => logStream('log', format(...args));
  }

  get signal(): AbortSignal {
    return this.abortSwitch.signal;
  }

  get idempotencyKey(): string {
    return `${this.runId}/${this.taskId}`;
  }
}

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
}

export type AttemptLayer = (call: AttemptCall, next: () => Promise<unknown>) => Promise<unknown>;

export type AttemptOutcome = { ok: true; outputs: unknown } | { ok: false; error: TaskError };

/**
 * Where an attempt's executor actually runs. The engine keeps scheduling, limits,
 * schema checks, timeouts and retries; a dispatcher only carries the call to the
 * executor (in this process, or to a worker) and its result or error back. It must
 * stop the executor when `call.ctx.signal` aborts.
 */
export interface Dispatcher {
  dispatch(call: AttemptCall): Promise<unknown>;
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

/**
 * Runs the layers outermost first, the dispatched executor innermost. Never rejects.
 * Written with `then` and module-level callbacks rather than as an async function:
 * it runs once per attempt, and an async frame suspended across an await costs
 * several hundred bytes of garbage.
 */
export function runAttempt(call: AttemptCall, layers: readonly AttemptLayer[], dispatcher: Dispatcher = inProcessDispatcher): Promise<AttemptOutcome> {
  const next = (i: number): Promise<unknown> => {
    const layer = layers[i];
    if (!layer) return dispatcher.dispatch(call);
    return layer(call, () => next(i + 1));
  };
  let outputs: Promise<unknown>;
  try {
    // Promise.resolve hands a native promise back as is, and adopts anything else as `await` would.
    outputs = Promise.resolve(next(0));
  } catch (error) {
    return Promise.resolve(failed(error));
  }
  return outputs.then(succeeded, failed);
}

function succeeded(outputs: unknown): AttemptOutcome {
  return { ok: true, outputs };
}

function failed(error: unknown): AttemptOutcome {
  return { ok: false, error: TaskError.from(error) };
}

/**
 * Checks input before and output after against the executor's schemas. Not an async
 * function: it adds one `then` to the attempt's promise chain rather than a promise
 * and an await of its own.
 */
export function schemaLayer(checker: SchemaChecker): AttemptLayer {
  return (call, next) => {
    const { input, output } = checker.validatorsFor(call.executor);
    if (input && !input(call.input)) {
      const error = new TaskError(ErrorCodes.INVALID_INPUT, describe(`input of executor "${call.executor.name}"`, input), {
        retryable: false,
        details: input.errors,
      });
      return Promise.reject(error);
    }
    if (!output) return next();
    return next().then((result) => {
      if (!output(result)) {
        throw new TaskError(ErrorCodes.INVALID_OUTPUT, describe(`output of executor "${call.executor.name}"`, output), {
          details: output.errors,
        });
      }
      return result;
    });
  };
}

function describe(what: string, validate: ValidateFunction): string {
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
  return `${what} is invalid: ${problems.join('; ')}`;
}

/**
 * Bounds the attempt by `timeoutMs` and ends it when its signal aborts. After an
 * abort the executor gets `abandonGraceMs` to stop (a shell task kills its
 * processes); then it is abandoned and whatever it returns later is discarded.
 */
export const abortLayer: AttemptLayer = (call, next) => {
  const { controller, timeoutMs } = call;
  // An AttemptAbort is watched directly; a plain AbortController (from a caller of runAttempt) through its signal.
  const state: { readonly aborted: boolean; readonly reason: unknown } = controller instanceof AttemptAbort ? controller : controller.signal;
  if (state.aborted) return Promise.reject(state.reason);
  return new Promise((resolve, reject) => {
    let graceTimer: NodeJS.Timeout | undefined;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            controller.abort(new TaskError(ErrorCodes.TIMEOUT, `timed out after ${timeoutMs} ms`));
          }, timeoutMs);
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      unwatch(controller, onAbort);
      fn();
    };
    const onAbort = () => {
      graceTimer = setTimeout(() => settle(() => reject(state.reason)), call.abandonGraceMs);
    };
    watch(controller, onAbort);
    let inner: Promise<unknown>;
    try {
      inner = next();
    } catch (error) {
      inner = Promise.reject(error);
    }
    inner.then(
      (value) => settle(() => (state.aborted ? reject(state.reason) : resolve(value))),
      (error) => settle(() => reject(state.aborted ? state.reason : error)),
    );
  });
};

function watch(controller: AbortController, onAbort: () => void): void {
  if (controller instanceof AttemptAbort) controller.listener = onAbort;
  else controller.signal.addEventListener('abort', onAbort, { once: true });
}

function unwatch(controller: AbortController, onAbort: () => void): void {
  if (controller instanceof AttemptAbort) controller.listener = undefined;
  else controller.signal.removeEventListener('abort', onAbort);
}
