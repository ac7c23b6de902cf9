import { describe, expect, it } from 'vitest';
import { planRun, type PlanContext } from '../../src/engine/run-plan.js';
import { defineExecutor } from '../../src/engine/executor.js';
import { loadWorkflow } from '../../src/engine/load/index.js';
import { Limit } from '../../src/engine/scheduler.js';

const echo = defineExecutor({ name: 'echo', execute: (input) => input });
const other = defineExecutor({ name: 'other', retry: { maxAttempts: 2 }, execute: (input) => input });
const executors = new Map([echo, other].map((e) => [e.name, e]));

function plan(text: string) {
  const workflow = loadWorkflow(text, { file: 'plan.yaml', resources: { gpu: 2 }, executors: { get: (name) => executors.get(name), names: () => [...executors.keys()] } });
  const context: PlanContext = { executors, limits: { executorSlots: new Map(), pools: new Map([['gpu', new Limit('gpu', 2)]]) }, circuitBreakers: {}, estimates: new Map() };
  return planRun(workflow, context);
}

describe('planRun', () => {
  it('shares one executor plan among tasks with the same executor, retry options and resources', () => {
    const { primary, fallback } = plan(`
name: plans
tasks:
  a: { uses: echo }
  b: { uses: echo, needs: a }
  c: { uses: echo, retry: { maxAttempts: 3 } }
  d: { uses: echo, resources: { gpu: 1 } }
  e: { uses: other }
  f: { uses: echo, resources: { gpu: 1 }, fallback: { uses: other } }
`);
    const [a, b, c, d, e, f] = primary.map((p, i) => ({ primary: p, fallback: fallback[i] }));
    expect(b!.primary).toBe(a!.primary);
    expect(c!.primary).not.toBe(a!.primary);
    expect(c!.primary.policy.maxAttempts).toBe(3);
    expect(a!.primary.policy.maxAttempts).toBe(1);
    expect(d!.primary).not.toBe(a!.primary);
    expect(d!.primary.demands.map((demand) => [demand.limit.name, demand.amount])).toEqual([['gpu', 1]]);
    expect(f!.primary).toBe(d!.primary);
    expect(e!.primary.policy.maxAttempts).toBe(2);
    // A fallback keeps the task's resources and takes its executor's own retry policy.
    expect(f!.fallback!.executor).toBe(other);
    expect(f!.fallback!.demands.map((demand) => demand.limit.name)).toEqual(['gpu']);
    expect(f!.fallback).not.toBe(e!.primary);
  });
});
