/**
 * The life of a task between "ready" and "done": queued with the scheduler,
 * attempted, retried after a back-off, or withdrawn when the run stops.
 */
import { abortLayer, AttemptAbort, AttemptContext, runAttempt, type AttemptLayer, type AttemptOutcome } from './attempt.js';
import { ErrorCodes, TaskError } from './errors.js';
import type { LogStream } from './executor.js';
import { retryDelay, shouldRetry } from './retry-policy.js';
import type { Run } from './run.js';
import type { SchedulerEntry } from './scheduler.js';
import type { TaskNode } from './task-node.js';
import type { TaskErrorInfo, Template } from './types.js';

/** Lines an attempt may log; a task printing gigabytes must not fill the store (or memory) with them. */
export const MAX_LOG_LINES_PER_ATTEMPT = 100_000;
/** Longer log lines are cut. */
export const MAX_LOG_LINE_CHARS = 64 * 1024;

/** The environment `env` templates are evaluated in: none yet. Shared, so no attempt allocates one. */
const NO_ENV: Record<string, string> = Object.freeze({});

export class TaskAttempts {
  /** Built once: every attempt goes through the same layers. */
  private readonly layers: readonly AttemptLayer[];

  constructor(private readonly run: Run) {
    this.layers = [abortLayer, ...run.context.layers];
  }

  enqueue(node: TaskNode): void {
    const { plan } = node;
    const entry: SchedulerEntry = {
      priority: plan.task.priority,
      criticalPath: plan.criticalPath,
      order: plan.task.order,
      demands: node.current.demands,
      start: () => void this.attempt(node, entry),
    };
    node.entry = entry;
    this.run.transition(node, 'queued');
    this.run.context.scheduler.enqueue(entry);
  }

  /** Ends a task that is not running: pending, queued or waiting out a back-off. */
  withdraw(node: TaskNode, reason: TaskErrorInfo): void {
    if (node.entry) this.run.context.scheduler.withdraw(node.entry);
    clearTimeout(node.retryTimer);
    this.run.complete(node, 'cancelled', { error: reason });
  }

  private async attempt(node: TaskNode, entry: SchedulerEntry): Promise<void> {
    const run = this.run;
    const attempt = node.result.attempts + 1;
    const now = Date.now();
    node.startedAtMs ??= now;
    node.result.startedAt ??= new Date(now).toISOString();
    node.controller = new AttemptAbort();
    node.result.attempts = attempt;
    run.transition(node, 'running');
    const outcome = await this.execute(node, attempt, node.controller);
    node.controller = undefined;
    node.entry = undefined;
    const { scheduler } = run.context;
    scheduler.batch(() => {
      scheduler.release(entry);
      this.settle(node, attempt, outcome);
    });
  }

  private settle(node: TaskNode, attempt: number, outcome: AttemptOutcome): void {
    const run = this.run;
    if (node.done) return;
    if (outcome.ok) return run.complete(node, 'succeeded', { outputs: outcome.outputs, error: undefined });
    const error = run.mask ? run.mask.error(outcome.error) : outcome.error;
    if (run.stopping) return run.complete(node, 'cancelled', { error: error.toJSON() });
    // Asking for a decision is not a try at the task: it does not use up an attempt.
    if (error.code === ErrorCodes.WAITING) return run.transition(node, 'waiting', { attempts: attempt - 1, error: error.toJSON() });
    if (shouldRetry(node.current.policy, error, attempt - node.fallbackFrom)) return this.scheduleRetry(node, attempt, error);
    if (node.plan.fallback && node.fallbackFrom === 0) return this.fallBack(node, attempt, error);
    run.complete(node, 'failed', { error: error.toJSON() });
  }

  /** The task's own executor has failed for good: its fallback takes over, from the next attempt. */
  private fallBack(node: TaskNode, attempt: number, error: TaskError): void {
    node.fallbackFrom = attempt;
    const uses = node.plan.fallback!.executor.name;
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

  /** Not async: it hands back runAttempt's promise as is, without wrapping it in one more. */
  private execute(node: TaskNode, attempt: number, controller: AttemptAbort): Promise<AttemptOutcome> {
    const run = this.run;
    const { task } = node.plan;
    const plan = node.current;
    let input: unknown;
    let env: Record<string, string>;
    try {
      env = run.evaluate(node, task.env, NO_ENV);
      env = this.withExpressionValues(node, plan.exprEnv, env);
      input = run.evaluate(node, plan.input, env);
    } catch (error) {
      return Promise.resolve({ ok: false as const, error: new TaskError(ErrorCodes.EXPRESSION_ERROR, (error as Error).message, { retryable: false, cause: error }) });
    }
    let linesLeft = MAX_LOG_LINES_PER_ATTEMPT;
    const logStream = (stream: LogStream, line: string) => {
      // An executor abandoned after its timeout, or one that logs after returning, is no longer heard.
      if (node.controller !== controller || linesLeft <= 0) return;
      if (--linesLeft === 0) return this.log(node, attempt, 'log', `[weft] this attempt logged ${MAX_LOG_LINES_PER_ATTEMPT} lines; the rest of its log is dropped`);
      this.log(node, attempt, stream, typeof line === 'string' ? line : String(line));
    };
    const { startedAt, approval } = node.result;
    const ctx = new AttemptContext(controller, run.id, node.id, attempt, run.workdir, env, run.workflow.name, startedAt!, approval, logStream);
    const call = {
      executor: plan.executor,
      input,
      ctx,
      controller,
      timeoutMs: task.timeoutMs,
      abandonGraceMs: run.context.abandonGraceMs,
      circuitBreaker: plan.circuitBreaker,
    };
    return runAttempt(call, this.layers, run.context.dispatcher);
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

  private log(node: TaskNode, attempt: number, stream: LogStream, text: string): void {
    // Masked before it is cut, so no part of a secret is left at the cut.
    const masked = this.run.mask ? this.run.mask.text(text) : text;
    const line = masked.length > MAX_LOG_LINE_CHARS ? `${masked.slice(0, MAX_LOG_LINE_CHARS)}… [line cut at ${MAX_LOG_LINE_CHARS} characters]` : masked;
    const entry = { taskId: node.id, attempt, stream, line, at: new Date().toISOString() };
    this.run.context.store.appendLog(this.run.id, entry);
    this.run.emit('task:log', { runId: this.run.id, ...entry });
  }
}
