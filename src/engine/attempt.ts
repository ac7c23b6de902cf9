/**
 * One attempt of one task: input checked, executor called under a timeout and an
 * abort signal, output checked. Cross-cutting behaviour is a list of layers
 * `(call, next)` composed in one small loop, so timeouts, schema checks (and later
 * breakers or metrics) stay out of the run's logic.
 */
import type { ValidateFunction } from 'ajv';
import { ErrorCodes, TaskError } from './errors.js';
import type { Executor, TaskContext } from './executor.js';
import type { SchemaChecker } from './schema-checker.js';
import type { CircuitBreakerOptions } from './types.js';

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

/** Runs the executor in this process. */
export const inProcessDispatcher: Dispatcher = {
  async dispatch(call) {
    return call.executor.execute(call.input, call.ctx);
  },
};

/** Runs the layers outermost first, the dispatched executor innermost. */
export async function runAttempt(call: AttemptCall, layers: readonly AttemptLayer[], dispatcher: Dispatcher = inProcessDispatcher): Promise<AttemptOutcome> {
  const next = (i: number): Promise<unknown> => {
    const layer = layers[i];
    if (!layer) return dispatcher.dispatch(call);
    return layer(call, () => next(i + 1));
  };
  try {
    return { ok: true, outputs: await next(0) };
  } catch (error) {
    return { ok: false, error: TaskError.from(error) };
  }
}

/** Checks input before and output after against the executor's schemas. */
export function schemaLayer(checker: SchemaChecker): AttemptLayer {
  return async (call, next) => {
    const { input, output } = checker.validatorsFor(call.executor);
    if (input && !input(call.input)) {
      throw new TaskError(ErrorCodes.INVALID_INPUT, describe(`input of executor "${call.executor.name}"`, input), {
        retryable: false,
        details: input.errors,
      });
    }
    const result = await next();
    if (output && !output(result)) {
      throw new TaskError(ErrorCodes.INVALID_OUTPUT, describe(`output of executor "${call.executor.name}"`, output), {
        details: output.errors,
      });
    }
    return result;
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
  const signal = controller.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
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
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      graceTimer = setTimeout(() => settle(() => reject(signal.reason)), call.abandonGraceMs);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    next().then(
      (value) => settle(() => (signal.aborted ? reject(signal.reason) : resolve(value))),
      (error) => settle(() => reject(signal.aborted ? signal.reason : error)),
    );
  });
};
