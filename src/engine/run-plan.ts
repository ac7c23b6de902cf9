/**
 * Turns a compiled workflow into what its run needs: for each task, its executor,
 * merged retry policy, the limits it takes while running (engine, run and executor
 * concurrency, resource pools), its circuit-breaker settings, and its rank.
 */
import { withEstimates } from './critical-path.js';
import { UsageError } from './errors.js';
import type { Executor } from './executor.js';
import { resolveRetryPolicy } from './retry-policy.js';
import { Limit, type Demand } from './scheduler.js';
import type { ExecutorPlan, TaskPlan } from './task-node.js';
import type { CircuitBreakerOptions, CompiledTask, CompiledWorkflow, RetryOptions, Template } from './types.js';

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

export function planRun(workflow: CompiledWorkflow, context: PlanContext): TaskPlan[] {
  const run: RunLimits = {
    slots: workflow.concurrency === undefined ? undefined : new Limit('concurrency', workflow.concurrency),
    pools: new Map(Object.entries(workflow.resources).map(([name, capacity]) => [name, new Limit(name, capacity)])),
  };
  const critical = withEstimates(workflow, context.estimates);
  return workflow.tasks.map((task, i): TaskPlan => {
    const plan: TaskPlan = {
      task,
      criticalPath: critical[i] ?? 0,
      ...executorPlan(task, task.uses, task.with, task.exprEnv, task.retry, workflow, context, run),
    };
    const { fallback } = task;
    if (fallback) plan.fallback = executorPlan(task, fallback.uses, fallback.with, fallback.exprEnv, undefined, workflow, context, run);
    return plan;
  });
}

function executorPlan(
  task: CompiledTask,
  uses: string,
  input: Template<Record<string, unknown>>,
  exprEnv: Record<string, Template>,
  retry: RetryOptions | undefined,
  workflow: CompiledWorkflow,
  context: PlanContext,
  run: RunLimits,
): ExecutorPlan {
  const executor = context.executors.get(uses);
  if (!executor) throw new UsageError(`task "${task.id}" uses executor "${uses}", which this engine does not have; register it first`);
  const plan: ExecutorPlan = {
    executor,
    policy: resolveRetryPolicy(executor.retry, retry),
    demands: demandsOf(task, executor, context.limits, run),
    input,
    exprEnv,
  };
  const layers = [executor.circuitBreaker, context.circuitBreakers[uses], workflow.circuitBreakers?.[uses]];
  if (layers.some((layer) => layer !== undefined)) plan.circuitBreaker = Object.assign({}, ...layers) as CircuitBreakerOptions;
  return plan;
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
