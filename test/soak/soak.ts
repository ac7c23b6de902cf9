/**
 * The soak test (`npm run soak`; not part of `npm test`): one engine runs 10,000
 * small runs, then 100 runs at once that share its pools. Afterwards memory is back
 * near its baseline, no timer, handle or abort listener is left behind, and every
 * run is in the store with the status it should have.
 *
 * A plain script with node's assert, run with --expose-gc so that "after GC" means
 * what it says. Exits 1 on the first broken expectation.
 */
import assert from 'node:assert/strict';
import { getEventListeners, setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { defineExecutor, type TaskContext } from '../../src/engine/executor.js';
import { TaskError } from '../../src/engine/errors.js';
import { SqliteRunStore } from '../../src/engine/store/sqlite-store.js';
import type { RunResult } from '../../src/engine/types.js';
import { WorkflowEngine } from '../../src/weft-engine.js';

const SMALL_RUNS = Number(process.env.WEFT_SOAK_RUNS ?? 10_000);
const CONCURRENT_RUNS = 100;
const AT_ONCE = 20;
/** How far heap use may end above its baseline, after GC: caches (parsed expressions, plans) are bounded, not empty. */
const HEAP_SLACK_BYTES = 8 * 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write('run with node --expose-gc (npm run soak does)\n');
  process.exit(2);
}

/** Waits a tick or two, then collects until heap use stops falling. */
async function settledHeap(): Promise<number> {
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    await delay(20);
    gc!();
    const used = process.memoryUsage().heapUsed;
    if (used >= last * 0.99) return used;
    last = used;
  }
  return last;
}

function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Works a little, with the things that leak when handled carelessly: a timer, an abort listener, a failure to retry. */
const work = defineExecutor({
  name: 'work',
  async execute(input: { flaky?: boolean; ms?: number }, ctx: TaskContext) {
    if (input.flaky && ctx.attempt === 1) throw new TaskError('FLAKY', 'first attempts fail', { retryable: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, input.ms ?? 0);
      ctx.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      }, { once: true });
    });
    ctx.log(`attempt ${ctx.attempt} of ${ctx.taskId}`);
    return { attempt: ctx.attempt };
  },
});

const SMALL = `name: small
inputs:
  n: { type: integer, required: true }
tasks:
  first:
    uses: work
    timeout: 5s
  flaky:
    uses: work
    needs: first
    with: { flaky: true }
    retry: { maxAttempts: 2, delay: 1ms }
  skipped:
    uses: echo
    needs: first
    if: \${{ inputs.n < 0 }}
  fan:
    uses: echo
    needs: flaky
    forEach: [1, 2, 3]
    with: { item: '\${{ item }}' }
outputs:
  n: \${{ inputs.n }}
  attempts: \${{ tasks.flaky.outputs.attempt }}
`;

const POOLED = `name: pooled
resources: {}
tasks:
  a: { uses: work, with: { ms: 5 }, resources: { slots: 1 } }
  b: { uses: work, with: { ms: 5 }, resources: { slots: 2 }, needs: a }
  c: { uses: work, with: { ms: 5 }, resources: { slots: 1 }, needs: a }
  d: { uses: echo, needs: [b, c], with: { done: true } }
`;

function checkSmall(result: RunResult, n: number): void {
  assert.equal(result.status, 'succeeded', `run ${result.runId}: ${JSON.stringify(result.error ?? result.tasks)}`);
  assert.deepEqual(result.outputs, { n, attempts: 2 });
  assert.equal(result.tasks.skipped?.status, 'skipped');
  assert.equal(result.tasks['fan[2]']?.status, 'succeeded');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-soak-'));
  const store = new SqliteRunStore(join(dir, 'soak.db'));
  let peak = 0;
  let running = 0;
  const pooled = defineExecutor({
    ...work,
    name: 'pooled',
    async execute(input: { ms?: number }, ctx: TaskContext) {
      running++;
      peak = Math.max(peak, running);
      try {
        return await work.execute(input, ctx);
      } finally {
        running--;
      }
    },
  });
  const engine = new WorkflowEngine({ store, executors: [work, pooled], resources: { slots: 4 } });
  const small = engine.parse(SMALL, 'small.yaml');
  const shared = new AbortController();
  // Every run in a batch listens on it at once; more than Node's default of 10 is expected, not a leak.
  setMaxListeners(AT_ONCE, shared.signal);

  const runSmall = async (from: number, count: number) => {
    for (let i = from; i < from + count; i += AT_ONCE) {
      const batch = Array.from({ length: Math.min(AT_ONCE, from + count - i) }, (_, k) => i + k);
      const results = await Promise.all(batch.map((n) => engine.run(small, { inputs: { n }, signal: shared.signal })));
      results.forEach((result, k) => checkSmall(result, batch[k]!));
    }
  };

  const started = Date.now();
  await runSmall(0, 200);
  const baselineHeap = await settledHeap();
  const baselineResources = resources();
  process.stdout.write(`baseline: heap ${(baselineHeap / 2 ** 20).toFixed(1)} MiB, resources ${JSON.stringify(Object.fromEntries(baselineResources))}\n`);

  await runSmall(200, SMALL_RUNS);
  process.stdout.write(`${SMALL_RUNS} small runs in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  const concurrent = engine.parse(POOLED.replaceAll('uses: work', 'uses: pooled'), 'pooled.yaml');
  const results = await Promise.all(Array.from({ length: CONCURRENT_RUNS }, () => engine.run(concurrent)));
  for (const result of results) assert.equal(result.status, 'succeeded', JSON.stringify(result.tasks));
  assert.ok(peak <= 4, `the slots pool holds 4, yet ${peak} tasks held it at once`);
  process.stdout.write(`${CONCURRENT_RUNS} concurrent runs sharing a pool of 4: peak ${peak}\n`);

  const heap = await settledHeap();
  const after = resources();
  process.stdout.write(`after: heap ${(heap / 2 ** 20).toFixed(1)} MiB, resources ${JSON.stringify(Object.fromEntries(after))}\n`);

  assert.equal(getEventListeners(shared.signal, 'abort').length, 0, 'runs left listeners on the signal they were given');
  for (const [kind, count] of after) assert.ok(count <= (baselineResources.get(kind) ?? 0), `${count} ${kind} left active, ${baselineResources.get(kind) ?? 0} at the baseline`);
  assert.ok(heap - baselineHeap < HEAP_SLACK_BYTES, `heap grew by ${((heap - baselineHeap) / 2 ** 20).toFixed(1)} MiB over ${SMALL_RUNS} runs`);

  const total = 200 + SMALL_RUNS + CONCURRENT_RUNS;
  const stored = store.listRuns({ limit: total + 1 });
  assert.equal(stored.length, total, `the store holds ${stored.length} runs, ${total} ran`);
  const byStatus = new Map<string, number>();
  for (const run of stored) byStatus.set(run.status, (byStatus.get(run.status) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(byStatus), { succeeded: total });

  store.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`soak passed: ${total} runs accounted for, heap within ${(HEAP_SLACK_BYTES / 2 ** 20).toFixed(0)} MiB of its baseline, no leaked timers or listeners\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
