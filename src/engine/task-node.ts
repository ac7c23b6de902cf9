/**
 * A task's state inside one run. A forEach task is an aggregate node whose
 * instances (`id[i]`) are nodes of their own; dependents wait for the aggregate.
 */
import type { AttemptAbort } from './attempt.js';
import type { Executor } from './executor.js';
import type { RetryPolicy } from './retry-policy.js';
import type { Demand, SchedulerEntry } from './scheduler.js';
import { emptyCounts, type UpstreamCounts } from './trigger-rules.js';
import type { CircuitBreakerOptions, CompiledTask, TaskResult, TaskStatus, Template } from './types.js';

/** How a task's attempts run on one executor: the task's own, or its fallback. */
export interface ExecutorPlan {
  executor: Executor;
  policy: RetryPolicy;
  demands: readonly Demand[];
  input: Template<Record<string, unknown>>;
  /** Values of expressions in its script inputs, passed as `WEFT_EXPR_n`. */
  exprEnv: Record<string, Template>;
  circuitBreaker?: CircuitBreakerOptions;
}

/** What every node of one compiled task shares. */
export interface TaskPlan extends ExecutorPlan {
  task: CompiledTask;
  criticalPath: number;
  fallback?: ExecutorPlan;
}

const TERMINAL: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'skipped', 'upstream_failed', 'cancelled']);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

export class TaskNode {
  readonly result: TaskResult = { status: 'pending', attempts: 0 };
  readonly counts: UpstreamCounts;
  readonly dependents: TaskNode[] = [];
  instances?: TaskNode[];
  /** Instances not yet in a terminal state. */
  openInstances = 0;
  entry?: SchedulerEntry;
  controller?: AttemptAbort;
  retryTimer?: NodeJS.Timeout;
  readyAtMs?: number;
  startedAtMs?: number;
  /** Attempts made before the fallback took over; 0 while on the task's own executor. */
  fallbackFrom = 0;

  constructor(
    readonly id: string,
    readonly plan: TaskPlan,
    readonly parent?: TaskNode,
    readonly item?: unknown,
    readonly itemIndex?: number,
  ) {
    this.counts = emptyCounts(parent ? 0 : plan.task.needs.length);
  }

  get task(): CompiledTask {
    return this.plan.task;
  }

  /** The executor plan attempts use now. */
  get current(): ExecutorPlan {
    return this.fallbackFrom > 0 ? this.plan.fallback! : this.plan;
  }

  get done(): boolean {
    return isTerminal(this.result.status);
  }

  /** How this node's end counts for its dependents' trigger rules. */
  countInto(counts: UpstreamCounts): void {
    switch (this.result.status) {
      case 'succeeded':
        counts.succeeded++;
        break;
      case 'failed':
        if (this.task.continueOnError) counts.succeeded++;
        else counts.failed++;
        break;
      case 'cancelled':
        counts.failed++;
        break;
      case 'upstream_failed':
        counts.upstreamFailed++;
        break;
      case 'skipped':
        counts.skipped++;
        break;
      default:
        break;
    }
  }
}
