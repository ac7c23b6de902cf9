/**
 * Prometheus metrics for runs, fed by run events. One `WeftMetrics` per registry
 * (prom-client refuses a metric name twice in one registry); an embedding app
 * passes its own registry to serve weft's metrics beside its own.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CompiledWorkflow } from '../engine/types.js';
import { baseTaskId, type RunEventSource } from './timeline.js';

import type { CircuitState } from '../engine/circuit-breaker.js';

export type { CircuitState };

/** The gauge's value for each breaker state. */
export const CIRCUIT_STATE_VALUES: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export interface MetricsOptions {
  /** @default a new Registry */
  registry?: Registry;
}

export interface ObserveOptions {
  /** Sizes of engine-wide pools (`resources` of the engine), for utilisation beside the workflow's own. */
  capacities?: Record<string, number>;
  now?: () => number;
}

interface OpenAttempt {
  executor: string;
  startedAt: number;
  resources: Record<string, number>;
}

export class WeftMetrics {
  readonly registry: Registry;
  private readonly runs: Counter<'workflow' | 'status'>;
  private readonly activeRuns: Gauge<'workflow'>;
  private readonly duration: Histogram<'executor' | 'status'>;
  private readonly attempts: Counter<'executor' | 'status'>;
  private readonly retries: Counter<'executor'>;
  private readonly queueWait: Histogram<'executor'>;
  private readonly running: Gauge<'executor'>;
  private readonly held: Counter<'limit'>;
  private readonly poolInUse: Gauge<'pool'>;
  private readonly poolUtilisation: Gauge<'pool'>;
  private readonly circuit: Gauge<'executor'>;
  private readonly poolUse = new Map<string, number>();
  private readonly capacities = new Map<string, number>();

  constructor(options: MetricsOptions = {}) {
    const registers = [(this.registry = options.registry ?? new Registry())];
    this.runs = new Counter({ name: 'weft_runs_total', help: 'Runs that ended (or paused waiting), by workflow and status.', labelNames: ['workflow', 'status'], registers });
    this.activeRuns = new Gauge({ name: 'weft_runs_active', help: 'Runs in progress in this process.', labelNames: ['workflow'], registers });
    this.duration = new Histogram({
      name: 'weft_task_duration_seconds',
      help: 'Run time of one task attempt, by executor and how it ended.',
      labelNames: ['executor', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.attempts = new Counter({ name: 'weft_task_attempts_total', help: 'Task attempts that ended, by executor and how.', labelNames: ['executor', 'status'], registers });
    this.retries = new Counter({ name: 'weft_task_retries_total', help: 'Failed attempts that were retried.', labelNames: ['executor'], registers });
    this.queueWait = new Histogram({
      name: 'weft_task_queue_wait_seconds',
      help: 'Time from an attempt being queued to it starting.',
      labelNames: ['executor'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.running = new Gauge({ name: 'weft_tasks_running', help: 'Task attempts running now.', labelNames: ['executor'], registers });
    this.held = new Counter({
      name: 'weft_limit_held_seconds_total',
      help: 'Time attempts spent held back by a limit (resource pool or concurrency cap).',
      labelNames: ['limit'],
      registers,
    });
    this.poolInUse = new Gauge({ name: 'weft_pool_in_use', help: 'Units of a resource pool or concurrency cap taken by running tasks.', labelNames: ['pool'], registers });
    this.poolUtilisation = new Gauge({ name: 'weft_pool_utilisation_ratio', help: 'Share of a pool in use, 0-1.', labelNames: ['pool'], registers });
    this.circuit = new Gauge({ name: 'weft_circuit_state', help: 'Circuit breaker state per executor: 0 closed, 1 half-open, 2 open.', labelNames: ['executor'], registers });
  }

  /** Feeds a run's events into the metrics until it finishes. */
  observe(run: RunEventSource, workflow: CompiledWorkflow, options: ObserveOptions = {}): void {
    const now = options.now ?? Date.now;
    for (const [pool, size] of Object.entries({ ...options.capacities, ...workflow.resources })) this.capacities.set(pool, size);
    if (workflow.concurrency !== undefined) this.capacities.set('concurrency', workflow.concurrency);
    const tasks = new Map(workflow.tasks.map((task) => [task.id, task]));
    const queuedAt = new Map<string, number>();
    const open = new Map<string, OpenAttempt>();
    const end = (taskId: string, status: string) => {
      const attempt = open.get(taskId);
      if (!attempt) return;
      open.delete(taskId);
      this.duration.observe({ executor: attempt.executor, status }, (now() - attempt.startedAt) / 1000);
      this.attempts.inc({ executor: attempt.executor, status });
      this.running.dec({ executor: attempt.executor });
      this.usePools(attempt.resources, -1);
    };
    run.on('run:start', () => this.activeRuns.inc({ workflow: workflow.name }));
    run.on('task:queued', (e) => queuedAt.set(e.taskId, now()));
    run.on('task:start', (e) => {
      const task = tasks.get(baseTaskId(e.taskId));
      const executor = task?.uses ?? 'unknown';
      const resources = { ...task?.resources, ...(workflow.concurrency === undefined ? {} : { concurrency: 1 }) };
      const queued = queuedAt.get(e.taskId);
      if (queued !== undefined) this.queueWait.observe({ executor }, (now() - queued) / 1000);
      for (const [limit, ms] of Object.entries(e.heldBy ?? {})) this.held.inc({ limit }, ms / 1000);
      open.set(e.taskId, { executor, startedAt: now(), resources });
      this.running.inc({ executor });
      this.usePools(resources, 1);
    });
    run.on('task:retry', (e) => {
      const executor = open.get(e.taskId)?.executor;
      end(e.taskId, 'failed');
      if (executor) this.retries.inc({ executor });
    });
    run.on('task:finish', (e) => end(e.taskId, e.status));
    run.on('run:finish', (e) => {
      for (const taskId of [...open.keys()]) end(taskId, e.result.tasks[taskId]?.status ?? 'cancelled');
      this.activeRuns.dec({ workflow: workflow.name });
      this.runs.inc({ workflow: workflow.name, status: e.result.status });
    });
  }

  /** For a breaker layer (or anything that trips one) to report its state. */
  setCircuitState(executor: string, state: CircuitState): void {
    this.circuit.set({ executor }, CIRCUIT_STATE_VALUES[state]);
  }

  /** The text `/metrics` serves. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  private usePools(resources: Record<string, number>, sign: 1 | -1): void {
    for (const [pool, amount] of Object.entries(resources)) {
      const used = (this.poolUse.get(pool) ?? 0) + sign * amount;
      this.poolUse.set(pool, used);
      this.poolInUse.set({ pool }, used);
      const capacity = this.capacities.get(pool);
      if (capacity !== undefined) this.poolUtilisation.set({ pool }, used / capacity);
    }
  }
}
