/**
 * Turns run events into alerts by the configured rules, drops duplicates within
 * the window, and hands the rest to every sink. Sending never blocks the run: a
 * sink failure is reported through `onError`, and `flush()` waits for what is in
 * flight (call it before the process exits).
 */
import type { RunEvents } from '../../engine/events.js';
import type { RunStatus } from '../../engine/types.js';
import type { RunEventSource } from '../timeline.js';
import type { Alert, AlertKind, AlertSink, Severity } from './alert.js';
import { DedupeWindow } from './dedupe.js';
import { DEFAULT_DEDUPE_MS, type AlertRule } from './rules.js';

export interface AlertManagerOptions {
  rules: AlertRule[];
  sinks: AlertSink[];
  dedupeMs?: number;
  now?: () => number;
  onError?: (error: Error, sink: AlertSink) => void;
}

/** What `checkWaiting` needs of a stored run. */
export interface WaitingRun {
  runId: string;
  workflow: string;
  status: RunStatus;
  startedAt: string;
  /** For a waiting run: start → the moment it began to wait. */
  durationMs?: number;
}

type Raised = Omit<Alert, 'at' | 'key' | 'severity'> & { severity?: Severity };

export class AlertManager {
  private readonly dedupe: DedupeWindow;
  private readonly now: () => number;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: AlertManagerOptions) {
    this.now = options.now ?? Date.now;
    this.dedupe = new DedupeWindow(options.dedupeMs ?? DEFAULT_DEDUPE_MS, this.now);
  }

  /** Applies the rules to one run's events. */
  watch(run: RunEventSource): void {
    const timers = new Map<string, NodeJS.Timeout[]>();
    const clear = (taskId: string) => {
      for (const timer of timers.get(taskId) ?? []) clearTimeout(timer);
      timers.delete(taskId);
    };
    let workflow = '';
    run.on('run:start', (e) => (workflow = e.workflow));
    run.on('task:start', (e) => {
      if (e.attempt > 1 || timers.has(e.taskId)) return;
      const started = this.now();
      const set = this.rulesFor('task_duration', e.taskId).map((rule) =>
        unref(setTimeout(() => this.raiseSlow(workflow, e.runId, e.taskId, rule.overMs!, this.now() - started), rule.overMs!)),
      );
      if (set.length > 0) timers.set(e.taskId, set);
    });
    run.on('task:retry', (e) => this.onRetry(workflow, e));
    run.on('task:finish', (e) => {
      clear(e.taskId);
      this.onTaskFinish(workflow, e);
    });
    run.on('run:finish', ({ result }) => {
      for (const taskId of [...timers.keys()]) clear(taskId);
      if (result.status === 'failed' && this.rulesFor('run_failed').length > 0) {
        const why = result.error ? `: ${result.error.code} ${result.error.message}` : '';
        this.raise({ kind: 'run_failed', workflow, runId: result.runId, message: `run ${result.runId} of ${workflow} failed${why}` });
      }
      if (result.status === 'waiting') this.watchWaiting(workflow, result.runId);
    });
  }

  /** For a circuit breaker (or anything that trips one) to report an opened circuit. */
  circuitOpened(executor: string, reason?: string): void {
    if (this.rulesFor('circuit_open').length === 0) return;
    const why = reason ? `: ${reason}` : '';
    this.raise({ kind: 'circuit_open', executor, message: `the circuit for executor ${executor} opened${why}` });
  }

  /** Alerts for stored runs that have waited longer than a `run_waiting` rule allows. */
  checkWaiting(runs: readonly WaitingRun[]): void {
    const now = this.now();
    for (const rule of this.rulesFor('run_waiting')) {
      for (const run of runs) {
        if (run.status !== 'waiting') continue;
        const since = Date.parse(run.startedAt) + (run.durationMs ?? 0);
        if (now - since > rule.overMs!) this.raiseWaiting(run.workflow, run.runId, now - since);
      }
    }
  }

  /** Waits for every alert in flight to be delivered (or to fail). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Sends an alert to every sink unless the same one went out within the window. */
  raise(raised: Raised): void {
    const key = [raised.kind, raised.workflow, raised.kind === 'run_waiting' ? raised.runId : '', raised.taskId, raised.executor].map((p) => p ?? '').join('|');
    if (!this.dedupe.admit(key)) return;
    const alert: Alert = { severity: severityOf(raised.kind), ...raised, at: new Date(this.now()).toISOString(), key };
    for (const sink of this.options.sinks) {
      const sent: Promise<void> = sink
        .send(alert)
        .catch((error: unknown) => this.options.onError?.(error instanceof Error ? error : new Error(String(error)), sink))
        .finally(() => this.pending.delete(sent));
      this.pending.add(sent);
    }
  }

  private onRetry(workflow: string, e: RunEvents['task:retry']): void {
    for (const rule of this.rulesFor('retries', e.taskId)) {
      if (e.attempt < rule.atLeast!) continue;
      this.raise({
        kind: 'retries',
        workflow,
        runId: e.runId,
        taskId: e.taskId,
        message: `task ${e.taskId} of ${workflow} has been retried ${e.attempt} times (last error ${e.error.code}: ${e.error.message})`,
      });
    }
  }

  private onTaskFinish(workflow: string, e: RunEvents['task:finish']): void {
    if (e.status !== 'failed' || this.rulesFor('task_failed', e.taskId).length === 0) return;
    const why = e.error ? `: ${e.error.code} ${e.error.message}` : '';
    const attempts = e.attempts > 1 ? ` after ${e.attempts} attempts` : '';
    this.raise({ kind: 'task_failed', workflow, runId: e.runId, taskId: e.taskId, message: `task ${e.taskId} of ${workflow} failed${attempts}${why}` });
  }

  private raiseSlow(workflow: string, runId: string, taskId: string, overMs: number, ms: number): void {
    this.raise({ kind: 'task_duration', workflow, runId, taskId, message: `task ${taskId} of ${workflow} has run ${seconds(ms)}, over its ${seconds(overMs)} threshold` });
  }

  private watchWaiting(workflow: string, runId: string): void {
    const since = this.now();
    for (const rule of this.rulesFor('run_waiting')) {
      unref(setTimeout(() => this.raiseWaiting(workflow, runId, this.now() - since), rule.overMs!));
    }
  }

  private raiseWaiting(workflow: string, runId: string, ms: number): void {
    this.raise({ kind: 'run_waiting', workflow, runId, message: `run ${runId} of ${workflow} has waited for approval for ${seconds(ms)}` });
  }

  private rulesFor(kind: AlertKind, taskId?: string): AlertRule[] {
    return this.options.rules.filter((rule) => rule.on === kind && (taskId === undefined || !rule.tasks || rule.tasks.includes(baseId(taskId))));
  }
}

function severityOf(kind: AlertKind): Severity {
  return kind === 'run_failed' || kind === 'task_failed' || kind === 'circuit_open' ? 'critical' : 'warning';
}

function baseId(taskId: string): string {
  return taskId.replace(/\[\d+\]$/, '');
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref();
  return timer;
}
