/**
 * The executor contract. An executor knows nothing of the scheduler: it gets its
 * input (already templated and checked against `inputSchema`) and a context, and
 * returns outputs or throws. Where it runs (this process, a worker) is not its concern.
 */
import type { ApprovalDecision, CircuitBreakerOptions, RetryOptions } from './types.js';

/** A JSON Schema (draft 2020-12 or 07 keywords that ajv accepts). */
export type JsonSchema = Record<string, unknown>;

export type LogStream = 'stdout' | 'stderr' | 'log';

export interface TaskContext {
  runId: string;
  /** `build` or, for a forEach instance, `build[2]`. */
  taskId: string;
  /** 1-based; counts every attempt, including the first. */
  attempt: number;
  /** Aborted on timeout, cancellation or failFast. Executors must stop promptly. */
  signal: AbortSignal;
  /** A line in the task's log (`task:log` event). */
  log(...args: unknown[]): void;
  /** Write a line of output from a stream (used by `shell` for stdout/stderr). */
  logStream(stream: LogStream, line: string): void;
  /** The directory tasks run in: `start({ workdir })`, else the current directory (`weft run` passes the workflow file's directory). */
  workdir: string;
  /**
   * Directories besides `workdir` that the operator lets executors use (the engine's
   * `workspaceRoots` option, `workspaceRoots` in weft.config.mjs), as absolute paths.
   * A workflow cannot add to them. See src/executors/workspace-path.ts.
   */
  workspaceRoots?: readonly string[];
  /** `<runId>/<taskId>`: the same for every attempt of this task in this run. */
  idempotencyKey: string;
  /** Workflow env < task env < values of expressions found in script inputs. */
  env: Record<string, string>;
  workflow: string;
  /** ISO time of this task's first attempt in this run, across resumes. */
  startedAt: string;
  /** For approval-style tasks: the decision recorded with `engine.approve`/`reject`, if any. */
  approval?: ApprovalDecision;
}

export interface Executor<I = any, O = any> {
  name: string;
  description?: string;
  /** Checked with ajv after templating; failure is `INVALID_INPUT`, never retried. */
  inputSchema?: JsonSchema;
  /** Checked with ajv on the result; failure is `INVALID_OUTPUT`. */
  outputSchema?: JsonSchema;
  /** The default retry policy: beneath the workflow's `defaults.retry` and the task's `retry`. */
  retry?: RetryOptions;
  /** Most attempts of this executor running at once, across all runs of an engine. */
  concurrency?: number;
  /** Resources every task of this executor takes, added beneath the task's own request. */
  resources?: Record<string, number>;
  /**
   * Inputs whose text is a shell script. Expressions inside them never become code:
   * each value is passed in `ctx.env` as `WEFT_EXPR_n` and the text says `"${WEFT_EXPR_n}"`.
   */
  shellInputs?: readonly string[];
  /** Opens a circuit after repeated failures (opt-in); see circuit-breaker.ts. */
  circuitBreaker?: CircuitBreakerOptions;
  /**
   * The service an attempt with this input calls (e.g. the model endpoint's origin):
   * breakers are kept per executor and key, so one endpoint being down does not
   * hold back calls to another. `undefined`: this attempt calls no service and no
   * breaker applies. Without this method, one breaker per executor.
   */
  circuitKey?(input: I, env: Record<string, string>): string | undefined;
  execute(input: I, ctx: TaskContext): Promise<O> | O;
}

/** An identity helper that gives an executor object its types. */
export function defineExecutor<I = any, O = any>(executor: Executor<I, O>): Executor<I, O> {
  return executor;
}
