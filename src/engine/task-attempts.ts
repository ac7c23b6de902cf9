/**
 * The life of a task between "ready" and "done": queued with the scheduler,
 * attempted, retried after a back-off, or withdrawn when the run stops.
 *
 * While it waits for its limits the node itself is the scheduler's entry. Each
 * attempt is one `TaskAttempt`, made when the scheduler admits the node: the call
 * and abort switch while it runs, with no closures of its own. So the thousands of
 * tasks a concurrency limit holds back cost no object each, and an attempt lives
 * only as long as its executor runs.
 */
import { Attempt, AttemptContext, type LogSink } from './attempt.js';
import { ErrorCodes, TaskError } from './errors.js';
import type { Executor, LogStream } from './executor.js';
import { isoTime } from './iso-time.js';
import { retryDelay, shouldRetry } from './retry-policy.js';
import type { Run } from './run.js';
import type { SecretMask } from './secret-mask.js';
import type { TaskNode } from './task-node.js';
import type { CircuitBreakerOptions, TaskErrorInfo, Template } from './types.js';

/** Lines an attempt may log; a task printing gigabytes must not fill the store (or memory) with them. */
export const MAX_LOG_LINES_PER_ATTEMPT = 100_000;
/** Longer log lines are cut. */
export const MAX_LOG_LINE_CHARS = 64 * 1024;

/** The environment `env` templates are evaluated in: none yet. Shared, so no attempt allocates one. */
const NO_ENV: Record<string, string> = Object.freeze({});

export class TaskAttempt extends Attempt implements LogSink {
  /** Which attempt of the task this is, from 1; set when it starts. */
  number = 0;
  private linesLeft = MAX_LOG_LINES_PER_ATTEMPT;

  constructor(
    private readonly owner: TaskAttempts,
    readonly node: TaskNode,
  ) {
    super();
  }

  /** The node's executor plan changes only between attempts (to its fallback), so these stay the attempt's own. */
  get executor(): Executor {
    return this.node.current.executor;
  }

  get circuitBreaker(): CircuitBreakerOptions | undefined {
    return this.node.current.circuitBreaker;
  }

  get timeoutMs(): number | undefined {
    return this.node.task.timeoutMs;
  }

  get abandonGraceMs(): number {
    return this.owner.abandonGraceMs;
  }

  get hasSecrets(): boolean {
    return this.owner.hasSecrets;
  }

  get mask(): SecretMask | undefined {
    return this.owner.mask;
  }

  /** Calls the executor with `input` under the run's layers. */
  launch(input: unknown, ctx: AttemptContext, run: Run): void {
    this.input = input;
    this.ctx = ctx;
    this.dispatch(run.context.layers, run.context.dispatcher);
  }

  /** Ends the attempt without calling the executor: its input could not be worked out. */
  fail(error: TaskError): void {
    this.refuse(error);
  }

  logLine(stream: LogStream, line: string): void {
    // An executor abandoned after its timeout, or one that logs after returning, is no longer heard.
    if (this.node.attempt !== this || this.linesLeft <= 0) return;
    if (--this.linesLeft === 0) return this.owner.log(this, 'log', `[weft] this attempt logged ${MAX_LOG_LINES_PER_ATTEMPT} lines; the rest of its log is dropped`);
    this.owner.log(this, stream, typeof line === 'string' ? line : String(line));
  }

  protected ended(ok: boolean, value: unknown): void {
    this.owner.settle(this, ok, value);
  }
}

export class TaskAttempts {
  readonly abandonGraceMs: number;
  /** The run has secrets: an attempt's input and env may hold their values. */
  readonly hasSecrets: boolean;
  readonly mask: SecretMask | undefined;

  constructor(private readonly run: Run) {
    this.abandonGraceMs = run.context.abandonGraceMs;
    this.mask = run.mask;
    this.hasSecrets = run.mask !== undefined;
  }

  enqueue(node: TaskNode): void {
    node.starter = this;
    this.run.transition(node, 'queued');
    // A `task:queued` listener may have cancelled the run, and with it this task.
    if (!node.done) this.run.context.scheduler.enqueue(node);
  }

  /** Ends a task that is not running: pending, queued or waiting out a back-off. */
  withdraw(node: TaskNode, reason: TaskErrorInfo): void {
    if (node.result.status === 'queued') this.run.context.scheduler.withdraw(node);
    clearTimeout(node.retryTimer);
    this.run.complete(node, 'cancelled', { error: reason });
  }

  /** The scheduler admitted the node: its next attempt starts, and the task is running from here. */
  begin(node: TaskNode): void {
    const { run } = this;
    const attempt = new TaskAttempt(this, node);
    node.attempt = attempt;
    const number = node.result.attempts + 1;
    const now = Date.now();
    node.startedAtMs ??= now - run.epoch;
    node.result.startedAt ??= isoTime(now);
    node.result.attempts = attempt.number = number;
    run.transition(node, 'running');
    let input: unknown;
    let env: Record<string, string>;
    try {
      env = run.evaluate(node, node.task.env, NO_ENV);
      env = this.withExpressionValues(node, node.exprEnv, env);
      input = run.evaluate(node, node.input, env);
    } catch (error) {
      return attempt.fail(new TaskError(ErrorCodes.EXPRESSION_ERROR, (error as Error).message, { retryable: false, cause: error }));
    }
    const { startedAt, approval } = node.result;
    const ctx = new AttemptContext(attempt, run.id, node.id, number, run.workdir, env, run.workflow.name, startedAt!, approval, run.context.workspaceRoots);
    attempt.launch(input, ctx, run);
  }

  /** The attempt ended with its outputs or (`ok` false) a TaskError: its limits go back, and the task succeeds, retries, falls back or fails. */
  settle(attempt: TaskAttempt, ok: boolean, value: unknown): void {
    const { node } = attempt;
    node.attempt = undefined;
    const { scheduler } = this.run.context;
    // Admission waits until the task's end has been decided, so the dependents it readies compete by rank for the freed room.
    const held = scheduler.hold();
    try {
      scheduler.release(node);
      this.decide(node, attempt.number, ok, value);
    } finally {
      scheduler.resume(held);
    }
  }

  log(attempt: TaskAttempt, stream: LogStream, text: string): void {
    const { run } = this;
    // Masked before it is cut, so no part of a secret is left at the cut.
    const masked = run.mask ? run.mask.text(text) : text;
    const line = masked.length > MAX_LOG_LINE_CHARS ? `${masked.slice(0, MAX_LOG_LINE_CHARS)}… [line cut at ${MAX_LOG_LINE_CHARS} characters]` : masked;
    const entry = { taskId: attempt.node.id, attempt: attempt.number, stream, line, at: new Date().toISOString() };
    run.context.store.appendLog(run.id, entry);
    run.emit('task:log', { runId: run.id, ...entry });
  }

  private decide(node: TaskNode, attempt: number, ok: boolean, value: unknown): void {
    const run = this.run;
    if (node.done) return;
    if (ok) return run.succeed(node, value);
    const error = run.mask ? run.mask.error(value as TaskError) : (value as TaskError);
    if (run.stopping) return run.complete(node, 'cancelled', { error: error.toJSON() });
    // Asking for a decision is not a try at the task: it does not use up an attempt.
    if (error.code === ErrorCodes.WAITING) return run.transition(node, 'waiting', { attempts: attempt - 1, error: error.toJSON() });
    if (shouldRetry(node.current.policy, error, attempt - node.fallbackFrom)) return this.scheduleRetry(node, attempt, error);
    if (node.fallback && node.fallbackFrom === 0) return this.fallBack(node, attempt, error);
    run.complete(node, 'failed', { error: error.toJSON() });
  }

  /** The task's own executor has failed for good: its fallback takes over, from the next attempt. */
  private fallBack(node: TaskNode, attempt: number, error: TaskError): void {
    node.fallbackFrom = attempt;
    const uses = node.fallback!.executor.name;
    node.result.fallback = { uses, fromAttempt: attempt + 1, primaryError: error.toJSON() };
    this.run.emit('task:retry', { runId: this.run.id, taskId: node.id, attempt, delayMs: 0, error: error.toJSON(), fallback: uses });
    this.enqueue(node);
  }

  private scheduleRetry(node: TaskNode, attempt: number, error: TaskError): void {
    const delayMs = retryDelay(node.current.policy, error, attempt - node.fallbackFrom);
    this.run.transition(node, 'retrying', { error: error.toJSON() });
    this.run.emit('task:retry', { runId: this.run.id, taskId: node.id, attempt, delayMs, error: error.toJSON() });
    node.retryTimer = setTimeout(() => {
      node.retryTimer = undefined;
      if (!node.done) this.enqueue(node);
    }, delayMs);
  }

  /** Adds the values of expressions found in script inputs as `WEFT_EXPR_n` variables. */
  private withExpressionValues(node: TaskNode, exprEnv: Record<string, Template>, env: Record<string, string>): Record<string, string> {
    let merged: Record<string, string> | undefined;
    // for-in, not Object.entries: most tasks have none, and this runs once per attempt.
    for (const name in exprEnv) {
      merged ??= { ...env };
      const value = this.run.evaluate(node, exprEnv[name]!, env);
      merged[name] = typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
    }
    return merged ?? env;
  }
}
