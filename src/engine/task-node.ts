/**
 * A task's state inside one run. A forEach task is an aggregate node whose
 * instances (`id[i]`) are nodes of their own; dependents wait for the aggregate.
 */
import type { Executor } from './executor.js';
import type { RetryPolicy } from './retry-policy.js';
import type { Demand, Limit, SchedulerEntry } from './scheduler.js';
import type { TaskAttempt } from './task-attempts.js';
import type { UpstreamCounts } from './trigger-rules.js';
import type { CircuitBreakerOptions, CompiledTask, TaskResult, TaskStatus, Template } from './types.js';

/** How a task's attempts run on one executor; shared by every task with the same executor, retry options and resources. */
export interface ExecutorPlan {
  executor: Executor;
  policy: RetryPolicy;
  demands: readonly Demand[];
  circuitBreaker?: CircuitBreakerOptions;
}

/** What a run's nodes take from its plan, by task index: rank and executor plans. */
export interface RunPlan {
  criticalPath: ArrayLike<number>;
  /** Each task's own executor. */
  primary: readonly ExecutorPlan[];
  fallback: readonly (ExecutorPlan | undefined)[];
}

export function isTerminal(status: TaskStatus): boolean {
  switch (status) {
    case 'succeeded':
    case 'failed':
    case 'skipped':
    case 'upstream_failed':
    case 'cancelled':
      return true;
    default:
      return false;
  }
}

/** Starts a node's next attempt when the scheduler admits it. */
export interface NodeStarter {
  begin(node: TaskNode): void;
}

/**
 * A node is its own scheduler entry while it is queued, and its own count of how its
 * upstreams ended: a run makes no object per attempt to wait in the scheduler's heaps,
 * and no second object per task for its trigger rule.
 */
export class TaskNode implements SchedulerEntry, UpstreamCounts {
  /** Shaped with the fields every task's end sets, so setting them grows no separate property store. */
  readonly result: TaskResult = { status: 'pending', attempts: 0, startedAt: undefined, finishedAt: undefined, durationMs: undefined, outputs: undefined, error: undefined };
  readonly total: number;
  succeeded = 0;
  failed = 0;
  upstreamFailed = 0;
  skipped = 0;
  instances?: TaskNode[];
  /** Instances not yet in a terminal state. */
  openInstances = 0;
  /** The attempt running, if any. */
  attempt?: TaskAttempt;
  /** What starts the node when the scheduler admits it; set as it is queued. */
  starter?: NodeStarter = undefined;
  seq?: number = undefined;
  cancelled?: boolean = undefined;
  parkedOn?: Limit = undefined;
  bypassed?: number = undefined;
  parkedAt?: number = undefined;
  heldOn?: Limit = undefined;
  heldMs?: number = undefined;
  heldByMore?: Record<string, number> = undefined;
  retryTimer?: NodeJS.Timeout;
  /** When the node became ready and first started, in ms after the run's `epoch`. */
  readyAtMs?: number;
  startedAtMs?: number;
  /** Attempts made before the fallback took over; 0 while on the task's own executor. */
  fallbackFrom = 0;
  /** The store holds `result` itself (for stores that keep task objects): later changes need not be saved. */
  stored = false;

  /**
   * The plan's parts are the node's own fields rather than a shared per-task plan
   * object: one object fewer per task, and one pointer fewer between the scheduler
   * and a rank.
   */
  constructor(
    readonly id: string,
    readonly task: CompiledTask,
    /** The task's position in the workflow's `tasks`. */
    readonly index: number,
    readonly criticalPath: number,
    readonly primary: ExecutorPlan,
    readonly fallback: ExecutorPlan | undefined,
    readonly parent?: TaskNode,
    readonly item?: unknown,
    readonly itemIndex?: number,
  ) {
    this.total = parent ? 0 : task.needs.length;
  }

  /** The node of a forEach's `i`th item: the aggregate's task and plan, its own state. */
  static instance(parent: TaskNode, i: number, item: unknown): TaskNode {
    return new TaskNode(`${parent.id}[${i}]`, parent.task, parent.index, parent.criticalPath, parent.primary, parent.fallback, parent, item, i);
  }

  /** How this node's upstreams have ended so far, for its trigger rule. */
  get counts(): UpstreamCounts {
    return this;
  }

  get priority(): number {
    return this.task.priority;
  }

  get order(): number {
    return this.task.order;
  }

  /** What the next attempt takes while it runs. */
  get demands(): readonly Demand[] {
    return this.current.demands;
  }

  /** The scheduler admitted the node. */
  start(): void {
    this.starter!.begin(this);
  }

  /** The executor plan attempts use now. */
  get current(): ExecutorPlan {
    return this.fallbackFrom > 0 ? this.fallback! : this.primary;
  }

  /** The input template of the executor attempts use now. */
  get input(): Template<Record<string, unknown>> {
    return this.fallbackFrom > 0 ? this.task.fallback!.with : this.task.with;
  }

  /** Values of expressions in the current executor's script inputs, passed as `WEFT_EXPR_n`. */
  get exprEnv(): Record<string, Template> {
    return this.fallbackFrom > 0 ? this.task.fallback!.exprEnv : this.task.exprEnv;
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
