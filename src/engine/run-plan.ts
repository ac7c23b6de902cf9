/**
 * Turns a compiled workflow into what its run needs: for each task, its rank and
 * the executor plans its attempts use (executor, merged retry policy, the limits it
 * takes while running, circuit-breaker settings).
 *
 * Executor plans are shared: tasks with the same executor, retry options and
 * resources get the same plan object, so a 100,000-task workflow of one kind of task
 * resolves one retry policy and one list of demands, not 100,000.
 */
import { withEstimates } from './critical-path.js';
import { UsageError } from './errors.js';
import type { Executor } from './executor.js';
import { resolveRetryPolicy } from './retry-policy.js';
import { Limit, type Demand } from './scheduler.js';
import type { ExecutorPlan, RunPlan } from './task-node.js';
import type { CircuitBreakerOptions, CompiledTask, CompiledWorkflow, RetryOptions } from './types.js';

/** Limits shared by every run of an engine. */
export interface EngineLimits {
  slots?: Limit;
  executorSlots: ReadonlyMap<string, Limit>;
  pools: ReadonlyMap<string, Limit>;
}

export interface PlanContext {
  executors: ReadonlyMap<string, Executor>;
  limits: EngineLimits;
  /** Breaker settings from the engine's options, by executor. */
  circuitBreakers: Readonly<Record<string, CircuitBreakerOptions>>;
  /** Measured durations by task id, for critical-path ranks. */
  estimates: ReadonlyMap<string, number>;
}

interface RunLimits {
  slots?: Limit;
  pools: Map<string, Limit>;
}

export function planRun(workflow: CompiledWorkflow, context: PlanContext): RunPlan {
  const run: RunLimits = {
    slots: workflow.concurrency === undefined ? undefined : new Limit('concurrency', workflow.concurrency),
    pools: new Map(Object.entries(workflow.resources).map(([name, capacity]) => [name, new Limit(name, capacity)])),
  };
  const plans = new ExecutorPlans(workflow, context, run);
  const { tasks } = workflow;
  const primary: ExecutorPlan[] = new Array(tasks.length);
  const fallback: (ExecutorPlan | undefined)[] = new Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    primary[i] = plans.for(task, task.uses, task.retry);
    fallback[i] = task.fallback ? plans.for(task, task.fallback.uses, undefined) : undefined;
  }
  return { criticalPath: withEstimates(workflow, context.estimates), primary, fallback };
}

/** Executor plans of one run, made once per distinct (executor, retry options, resources). */
class ExecutorPlans {
  private readonly byKey = new Map<string, ExecutorPlan>();
  /** Tasks without their own `retry` share the workflow's defaults object: one key per such object. */
  private readonly retryKeys = new WeakMap<RetryOptions, string>();
  /** The last plan handed out for a task asking for no resources: neighbouring tasks are usually alike. */
  private last?: { uses: string; retry: RetryOptions | undefined; plan: ExecutorPlan };

  constructor(
    private readonly workflow: CompiledWorkflow,
    private readonly context: PlanContext,
    private readonly run: RunLimits,
  ) {}

  for(task: CompiledTask, uses: string, retry: RetryOptions | undefined): ExecutorPlan {
    const resources = resourcesKey(task.resources);
    const { last } = this;
    if (resources === '' && last && last.retry === retry && last.uses === uses) return last.plan;
    const key = `${uses}\n${this.retryKey(retry)}\n${resources}`;
    let plan = this.byKey.get(key);
    if (!plan) this.byKey.set(key, (plan = this.make(task, uses, retry)));
    if (resources === '') this.last = { uses, retry, plan };
    return plan;
  }

  private retryKey(retry: RetryOptions | undefined): string {
    if (!retry) return '';
    let key = this.retryKeys.get(retry);
    if (key === undefined) this.retryKeys.set(retry, (key = JSON.stringify(retry)));
    return key;
  }

  private make(task: CompiledTask, uses: string, retry: RetryOptions | undefined): ExecutorPlan {
    const { context } = this;
    const executor = context.executors.get(uses);
    if (!executor) throw new UsageError(`task "${task.id}" uses executor "${uses}", which this engine does not have; register it first`);
    const plan: ExecutorPlan = {
      executor,
      policy: resolveRetryPolicy(executor.retry, retry),
      demands: demandsOf(task, executor, context.limits, this.run),
    };
    const layers = [executor.circuitBreaker, context.circuitBreakers[uses], this.workflow.circuitBreakers?.[uses]];
    if (layers.some((layer) => layer !== undefined)) plan.circuitBreaker = Object.assign({}, ...layers) as CircuitBreakerOptions;
    return plan;
  }
}

/** Most tasks ask for no resources; the rest are keyed by what they ask for. */
function resourcesKey(resources: Record<string, number>): string {
  for (const _ in resources) return JSON.stringify(resources);
  return '';
}

/** Every limit a task takes while it runs, with amounts. */
function demandsOf(task: CompiledTask, executor: Executor, engine: EngineLimits, run: RunLimits): Demand[] {
  const demands: Demand[] = [];
  for (const limit of [engine.slots, run.slots, engine.executorSlots.get(executor.name)]) {
    if (limit) demands.push({ limit, amount: 1 });
  }
  for (const [name, amount] of Object.entries({ ...executor.resources, ...task.resources })) {
    if (amount <= 0) continue;
    const pools = [run.pools.get(name), engine.pools.get(name)].filter((pool) => pool !== undefined);
    if (pools.length === 0) throw new UsageError(`task "${task.id}" needs resource "${name}", but no pool of that name exists`);
    for (const limit of pools) {
      if (amount > limit.capacity) throw new UsageError(`task "${task.id}" needs ${amount} of "${name}", more than the pool's capacity ${limit.capacity}`);
      demands.push({ limit, amount });
    }
  }
  return demands;
}
