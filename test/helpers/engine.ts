/** Helpers for driving the engine in tests: an engine with probe executors, and event recording. */
import { WorkflowEngine, type WorkflowEngineOptions } from '../../src/weft-engine.js';
import type { Run } from '../../src/engine/run.js';
import type { RunEventName, RunEvents } from '../../src/engine/events.js';
import { defineExecutor, type Executor } from '../../src/engine/executor.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts how many attempts of it run at once, and the highest count seen. */
export function concurrencyProbe(name: string, holdMs = 5, extra: Partial<Executor> = {}) {
  const probe = {
    running: 0,
    peak: 0,
    started: [] as string[],
    executor: defineExecutor({
      name,
      ...extra,
      async execute(input: unknown, ctx) {
        probe.running++;
        probe.peak = Math.max(probe.peak, probe.running);
        probe.started.push(ctx.taskId);
        try {
          await sleep(holdMs);
          return { ok: true, input };
        } finally {
          probe.running--;
        }
      },
    }),
  };
  return probe;
}

export function engineWith(executors: Executor[] = [], options: WorkflowEngineOptions = {}): WorkflowEngine {
  return new WorkflowEngine({ ...options, executors });
}

/** Records every event of a run in order. */
export function recordEvents(run: Run) {
  const events: { name: RunEventName; payload: RunEvents[RunEventName] }[] = [];
  const names: RunEventName[] = ['run:start', 'run:finish', 'task:queued', 'task:start', 'task:retry', 'task:finish', 'task:log'];
  for (const name of names) run.on(name, ((payload: RunEvents[RunEventName]) => events.push({ name, payload })) as never);
  return {
    events,
    of<K extends RunEventName>(name: K): RunEvents[K][] {
      return events.filter((e) => e.name === name).map((e) => e.payload as RunEvents[K]);
    },
  };
}
