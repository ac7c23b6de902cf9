import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { defineExecutor } from '../../../src/engine/executor.js';
import { AlertManager, createAlertManager, fileSink, parseAlertsConfig, webhookSink, type Alert, type AlertSink } from '../../../src/observe/alerts/index.js';
import { engineWith, sleep } from '../../helpers/engine.js';

const SECRET = 'tok-3f9a8c7d-very-secret';

/** Fails every attempt, with the secret in its error message (as a careless tool might print it). */
const leaky = defineExecutor({
  name: 'leaky',
  execute() {
    throw new TaskError('UPSTREAM', `request with token ${SECRET} was refused`);
  },
});

const slow = defineExecutor({
  name: 'slow',
  async execute() {
    await sleep(120);
    return {};
  },
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver; `answer` decides each response's status (or never answers). */
async function receiver(answer: (n: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const status = answer(received.length);
      if (status !== 'hang') response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections(), server.close();
});

function collector(): AlertSink & { alerts: Alert[] } {
  const alerts: Alert[] = [];
  return { name: 'memory', alerts, send: async (alert) => void alerts.push(alert) };
}

async function runWith(manager: AlertManager, yaml: string) {
  const engine = engineWith([leaky, slow]);
  const run = engine.start(engine.parse(yaml));
  manager.watch(run);
  const result = await run.result;
  await manager.flush();
  return result;
}

const FAILING = `
name: nightly
tasks:
  fetch: { uses: leaky, retry: { maxAttempts: 3 } }
`;

describe('alerts to a webhook', () => {
  it('POSTs JSON for a failed task and run, with the token in a header and never in the payload', async () => {
    const hook = await receiver();
    const sink = webhookSink({ url: hook.url, headers: { authorization: 'env:ALERT_TOKEN' }, env: { ALERT_TOKEN: SECRET } });
    const manager = new AlertManager({ rules: [{ on: 'run_failed' }, { on: 'task_failed' }], sinks: [sink] });
    expect((await runWith(manager, FAILING)).status).toBe('failed');

    expect(hook.received).toHaveLength(2);
    const bodies = hook.received.map((r) => JSON.parse(r.body) as Alert);
    expect(bodies.map((b) => b.kind).sort()).toEqual(['run_failed', 'task_failed']);
    expect(bodies.find((b) => b.kind === 'task_failed')).toMatchObject({ workflow: 'nightly', taskId: 'fetch', severity: 'critical' });
    expect(hook.received[0]!.headers.authorization).toBe(SECRET);
    expect(hook.received[0]!.headers['content-type']).toBe('application/json');
    for (const { body } of hook.received) expect(body).not.toContain(SECRET);
    expect(bodies.find((b) => b.kind === 'task_failed')!.message).toContain('request with token *** was refused');
  });

  it('retries a failing receiver and delivers once it answers', async () => {
    const hook = await receiver((n) => (n < 3 ? 503 : 200));
    const errors: Error[] = [];
    const manager = new AlertManager({
      rules: [{ on: 'run_failed' }],
      sinks: [webhookSink({ url: hook.url, retries: 3, retryDelayMs: 10 })],
      onError: (error) => errors.push(error),
    });
    await runWith(manager, FAILING);
    expect(hook.received).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('gives up after its timeout and retries, and reports why', async () => {
    const hook = await receiver(() => 'hang');
    const errors: Error[] = [];
    const manager = new AlertManager({
      rules: [{ on: 'run_failed' }],
      sinks: [webhookSink({ url: hook.url, timeoutMs: 100, retries: 1, retryDelayMs: 10 })],
      onError: (error) => errors.push(error),
    });
    await runWith(manager, FAILING);
    expect(hook.received).toHaveLength(2);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('no answer within 100 ms')]);
  });
});

describe('alert rules', () => {
  it('alerts once a task has been retried N times', async () => {
    const sink = collector();
    const manager = new AlertManager({ rules: [{ on: 'retries', atLeast: 2 }], sinks: [sink] });
    await runWith(manager, FAILING);
    expect(sink.alerts).toMatchObject([{ kind: 'retries', taskId: 'fetch', severity: 'warning' }]);
    expect(sink.alerts[0]!.message).toContain('retried 2 times');
  });

  it('alerts while a task runs over its duration threshold, only for the tasks named', async () => {
    const sink = collector();
    const manager = new AlertManager({ rules: [{ on: 'task_duration', overMs: 50, tasks: ['crawl'] }], sinks: [sink] });
    await runWith(manager, `
name: slowpoke
tasks:
  crawl: { uses: slow }
  other: { uses: slow }
`);
    expect(sink.alerts.map((a) => [a.kind, a.taskId])).toEqual([['task_duration', 'crawl']]);
  });

  it('suppresses the same alert within the dedupe window', async () => {
    let now = 1_000_000;
    const sink = collector();
    const manager = new AlertManager({ rules: [{ on: 'run_failed' }], sinks: [sink], dedupeMs: 60_000, now: () => now });
    await runWith(manager, FAILING);
    await runWith(manager, FAILING);
    expect(sink.alerts).toHaveLength(1);
    now += 60_000;
    await runWith(manager, FAILING);
    expect(sink.alerts).toHaveLength(2);
  });

  it('alerts on an opened circuit and on runs waiting for approval too long', async () => {
    const sink = collector();
    const now = Date.parse('2026-01-01T02:00:00Z');
    const manager = new AlertManager({ rules: [{ on: 'circuit_open' }, { on: 'run_waiting', overMs: 3_600_000 }], sinks: [sink], now: () => now });
    manager.circuitOpened('github', '5 failures in 30s');
    manager.checkWaiting([
      { runId: 'old', workflow: 'release', status: 'waiting', startedAt: '2026-01-01T00:00:00Z', durationMs: 1000 },
      { runId: 'new', workflow: 'release', status: 'waiting', startedAt: '2026-01-01T01:30:00Z', durationMs: 1000 },
      { runId: 'done', workflow: 'release', status: 'succeeded', startedAt: '2026-01-01T00:00:00Z' },
    ]);
    await manager.flush();
    expect(sink.alerts.map((a) => [a.kind, a.executor ?? a.runId])).toEqual([
      ['circuit_open', 'github'],
      ['run_waiting', 'old'],
    ]);
  });
});

describe('alerts configuration', () => {
  it('builds sinks from a config and appends JSONL to a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'weft-alerts-')), 'out', 'alerts.jsonl');
    const config = parseAlertsConfig({ rules: [{ on: 'task_failed', tasks: ['fetch'] }], sinks: [{ type: 'file', path: file }], dedupe: '1m' });
    expect(config.dedupeMs).toBe(60_000);
    await runWith(createAlertManager(config), FAILING);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Alert);
    expect(lines).toMatchObject([{ kind: 'task_failed', taskId: 'fetch' }]);
  });

  it('rejects a rule or sink it cannot use, saying where and what is expected', () => {
    expect(() => parseAlertsConfig({ rules: [{ on: 'task_slow' }] })).toThrow(/alerts\.rules\[0\]: `on` must be one of run_failed/);
    expect(() => parseAlertsConfig({ rules: [{ on: 'task_duration' }] })).toThrow(/needs `over`/);
    expect(() => parseAlertsConfig({ rules: [{ on: 'retries', atLeast: 0 }] })).toThrow(/atLeast/);
    expect(() => parseAlertsConfig({ rules: [], sinks: [{ type: 'webhook', url: 'ftp://x' }] })).toThrow(/alerts\.sinks\[0\]: a webhook sink needs `url`/);
    expect(() => parseAlertsConfig({ rules: [{ on: 'run_failed', tasks: ['x'] }] })).toThrow(/only to task rules/);
    expect(parseAlertsConfig({ rules: [] }).sinks).toEqual([{ type: 'console' }]);
  });

  it('writes one line per alert to the file sink', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'weft-alerts-')), 'a.jsonl');
    const sink = fileSink(file);
    const alert: Alert = { kind: 'run_failed', severity: 'critical', message: 'm', at: '2026-01-01T00:00:00Z', key: 'k' };
    await sink.send(alert);
    await sink.send({ ...alert, message: 'n' });
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as Alert).message)).toEqual(['m', 'n']);
  });
});
