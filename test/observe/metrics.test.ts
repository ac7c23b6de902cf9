import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { TaskError } from '../../src/engine/errors.js';
import { defineExecutor } from '../../src/engine/executor.js';
import { WeftMetrics } from '../../src/observe/metrics.js';
import { startMetricsServer, type MetricsServer } from '../../src/observe/metrics-server.js';
import { engineWith } from '../helpers/engine.js';

const flaky = defineExecutor({
  name: 'flaky',
  execute(_input, ctx) {
    if (ctx.attempt === 1) throw new TaskError('FLAKY', 'not yet');
    return {};
  },
});

async function observedRun(metrics: WeftMetrics) {
  const engine = engineWith([flaky]);
  const workflow = engine.parse(`
name: measured
concurrency: 2
resources: { gpu: 2 }
tasks:
  a: { uses: flaky, retry: { maxAttempts: 2 } }
  b: { uses: echo, with: { x: 1 }, resources: { gpu: 1 } }
  c: { needs: a, uses: shell, with: { run: "exit 3" } }
`);
  const run = engine.start(workflow);
  metrics.observe(run, workflow);
  return run.result;
}

/** The value of one sample line, e.g. `weft_runs_total{workflow="x",status="failed"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('WeftMetrics', () => {
  it('counts runs, attempts, retries and durations by executor and status', async () => {
    const metrics = new WeftMetrics();
    const result = await observedRun(metrics);
    expect(result.status).toBe('failed');
    const text = await metrics.text();
    expect(sample(text, 'weft_runs_total{workflow="measured",status="failed"}')).toBe(1);
    expect(sample(text, 'weft_task_attempts_total{executor="flaky",status="failed"}')).toBe(1);
    expect(sample(text, 'weft_task_attempts_total{executor="flaky",status="succeeded"}')).toBe(1);
    expect(sample(text, 'weft_task_attempts_total{executor="shell",status="failed"}')).toBe(1);
    expect(sample(text, 'weft_task_retries_total{executor="flaky"}')).toBe(1);
    expect(sample(text, 'weft_task_duration_seconds_count{executor="echo",status="succeeded"}')).toBe(1);
    expect(sample(text, 'weft_task_queue_wait_seconds_count{executor="flaky"}')).toBe(2);
    expect(sample(text, 'weft_tasks_running{executor="shell"}')).toBe(0);
    expect(sample(text, 'weft_pool_utilisation_ratio{pool="gpu"}')).toBe(0);
    expect(sample(text, 'weft_runs_active{workflow="measured"}')).toBe(0);
  });

  it('reports circuit-breaker state', async () => {
    const metrics = new WeftMetrics();
    metrics.setCircuitState('github', 'open');
    expect(sample(await metrics.text(), 'weft_circuit_state{executor="github"}')).toBe(2);
  });

  it('registers into an embedding app’s own registry', async () => {
    const registry = new Registry();
    new WeftMetrics({ registry });
    expect((await registry.getMetricsAsJSON()).map((m) => m.name)).toContain('weft_task_duration_seconds');
  });
});

describe('startMetricsServer', () => {
  it('serves /metrics over HTTP and nothing else', async () => {
    const metrics = new WeftMetrics();
    await observedRun(metrics);
    server = await startMetricsServer({ registry: metrics.registry, port: 0 });
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(sample(await response.text(), 'weft_runs_total{workflow="measured",status="failed"}')).toBe(1);
    expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
  });
});
