/**
 * Property-based tests on random DAGs: whatever the shape, rules and limits,
 * dependencies are respected, limits hold, every task ends exactly once, and each
 * task's end agrees with the trigger-rule reference applied to what its upstreams did.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineExecutor } from '../../src/engine/executor.js';
import { decide, emptyCounts } from '../../src/engine/trigger-rules.js';
import { TRIGGER_RULES, type TaskStatus, type TriggerRule } from '../../src/engine/types.js';
import { engineWith, sleep } from '../helpers/engine.js';

interface TaskSpec {
  needs: number[];
  rule: TriggerRule;
  fail: boolean;
  continueOnError: boolean;
  gpu: number;
  priority: number;
}

const dagArbitrary = fc
  .integer({ min: 1, max: 18 })
  .chain((n) =>
    fc.array(
      fc.record({
        needs: fc.uniqueArray(fc.nat(n), { maxLength: 3 }),
        rule: fc.constantFrom(...TRIGGER_RULES),
        fail: fc.boolean(),
        continueOnError: fc.boolean(),
        gpu: fc.nat(2),
        priority: fc.integer({ min: -1, max: 1 }),
      }),
      { minLength: n, maxLength: n },
    ),
  )
  .map((specs) => specs.map((s, i): TaskSpec => ({ ...s, needs: s.needs.filter((d) => d < i) })));

function toYaml(specs: TaskSpec[], concurrency: number): string {
  const lines = ['name: random', `concurrency: ${concurrency}`, 'resources: { gpu: 2 }', 'tasks:'];
  specs.forEach((s, i) => {
    const needs = s.needs.length ? `needs: [${s.needs.map((d) => `t${d}`).join(', ')}], ` : '';
    const gpu = s.gpu ? `resources: { gpu: ${s.gpu} }, ` : '';
    lines.push(`  t${i}: { ${needs}trigger: ${s.rule}, ${gpu}priority: ${s.priority}, continueOnError: ${s.continueOnError}, uses: maybe, with: { fail: ${s.fail} } }`);
  });
  return lines.join('\n');
}

describe('random DAGs (property)', () => {
  it('respect dependencies, limits, single terminal states and trigger rules', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, fc.integer({ min: 1, max: 4 }), async (specs, concurrency) => {
        let running = 0;
        let gpuInUse = 0;
        const finished = new Map<string, TaskStatus>();
        const finishOrder: string[] = [];
        const violations: string[] = [];
        const maybe = defineExecutor({
          name: 'maybe',
          concurrency: 3,
          async execute(input: { fail: boolean }, ctx) {
            const spec = specs[Number(ctx.taskId.slice(1))]!;
            running++;
            gpuInUse += spec.gpu;
            if (running > Math.min(concurrency, 3)) violations.push(`${running} running`);
            if (gpuInUse > 2) violations.push(`${gpuInUse} gpu`);
            const upstreamsDone = spec.needs.filter((d) => finished.has(`t${d}`)).length;
            const needed = spec.rule === 'always' ? 0 : spec.rule.startsWith('one_') ? Math.min(1, spec.needs.length) : spec.needs.length;
            if (upstreamsDone < needed) violations.push(`${ctx.taskId} started with ${upstreamsDone}/${spec.needs.length} upstreams done`);
            await sleep(1);
            running--;
            gpuInUse -= spec.gpu;
            if (input.fail) throw new Error('planned failure');
            return {};
          },
        });
        const engine = engineWith([maybe]);
        const run = engine.start(engine.parse(toYaml(specs, concurrency)));
        run.on('task:finish', (e) => {
          if (finished.has(e.taskId)) violations.push(`${e.taskId} finished twice`);
          finished.set(e.taskId, e.status);
          finishOrder.push(e.taskId);
        });
        const result = await run.result;
        expect(violations).toEqual([]);
        expect(finished.size).toBe(specs.length);
        specs.forEach((_, i) => expect(finished.get(`t${i}`)).toBe(expectedStatus(specs, i, finishOrder, finished)));
        expect(result.status).toBe(specs.some((s, i) => finished.get(`t${i}`) === 'failed' && !s.continueOnError) ? 'failed' : 'succeeded');
      }),
      { numRuns: 120 },
    );
  }, 120_000);
});

/** Replays the upstreams' ends in the order they happened and applies the reference rule. */
function expectedStatus(specs: TaskSpec[], i: number, order: string[], finished: Map<string, TaskStatus>): TaskStatus {
  const spec = specs[i]!;
  const own: TaskStatus = spec.fail ? 'failed' : 'succeeded';
  const counts = emptyCounts(spec.needs.length);
  let decision = decide(spec.rule, counts);
  const upstreams = new Set(spec.needs.map((d) => `t${d}`));
  for (const id of order) {
    if (decision !== 'wait') break;
    if (!upstreams.has(id)) continue;
    const status = finished.get(id)!;
    const upstream = specs[Number(id.slice(1))];
    if (status === 'succeeded' || (status === 'failed' && upstream?.continueOnError)) counts.succeeded++;
    else if (status === 'failed' || status === 'cancelled') counts.failed++;
    else if (status === 'upstream_failed') counts.upstreamFailed++;
    else if (status === 'skipped') counts.skipped++;
    decision = decide(spec.rule, counts);
  }
  if (decision === 'run') return own;
  if (decision === 'skip') return 'skipped';
  if (decision === 'upstream_failed') return 'upstream_failed';
  throw new Error('a task was left waiting');
}
