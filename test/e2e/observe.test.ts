/** Seeing what runs, through the real CLI: insights, the HTML report, JSON logs and /metrics. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import type { RunInsights } from '../../src/observe/insights.js';
import { runCli, startCli, waitForStderr } from './cli-process.js';

const root = mkdtempSync(join(tmpdir(), 'weft-observe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

const WORKFLOW = `name: pipeline
concurrency: 1
tasks:
  fetch: { run: "echo fetching; sleep 0.2" }
  lint: { run: "echo linting" }
  build: { needs: fetch, run: "echo building; sleep 0.1" }
`;

function project(workflow = WORKFLOW) {
  const dir = join(root, `p${counter++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'wf.yaml'), workflow);
  const store = join(dir, 'weft.db');
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { WEFT_STORE: store } });
  return { dir, store, cli };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('weft run and insights', () => {
  it('ends with the run’s insights, keeps the timeline, and `weft insights` reads it back', async () => {
    const p = project();
    const run = await p.cli('run', 'wf.yaml', '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/critical path [\d.]+m?s: fetch → build/);
    expect(run.stderr).toMatch(/held back by concurrency: 2 attempts/);
    const { runId } = JSON.parse(run.stdout) as RunResult;
    expect(existsSync(join(p.dir, 'timelines', `${runId}.json`))).toBe(true);

    const text = await p.cli('insights', runId);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/lower bound/);
    expect(text.stdout).toMatch(/fetch \*/);

    const json = await p.cli('insights', runId, '--json');
    const insights = JSON.parse(json.stdout) as RunInsights & { detailed: boolean };
    expect(insights.detailed).toBe(true);
    expect(insights.criticalPath.tasks).toEqual(['fetch', 'build']);
    expect(insights.concurrency).toBe(1);
    expect(insights.lowerBoundMs).toBeGreaterThanOrEqual(insights.totalWorkMs - 1);
    expect(insights.tasks.map((t) => t.taskId).sort()).toEqual(['build', 'fetch', 'lint']);
  });

  it('explains an unknown run id', async () => {
    const p = project();
    await p.cli('run', 'wf.yaml', '--quiet');
    const missing = await p.cli('insights', 'nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no run nope in .*weft runs/);
  });
});

describe('the HTML report from the CLI', () => {
  it('is written by `weft run --report` and by `weft report RUN_ID -o FILE`', async () => {
    const p = project();
    const run = await p.cli('run', 'wf.yaml', '--report', 'during.html', '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`report written to ${join(p.dir, 'during.html')}`);
    const during = readFileSync(join(p.dir, 'during.html'), 'utf8');
    expect(during).toContain('<!doctype html>');
    expect(during).toContain('"workflow":"pipeline"');

    const { runId } = JSON.parse(run.stdout) as RunResult;
    const later = await p.cli('report', runId, '-o', 'later.html');
    expect(later.code).toBe(0);
    const html = readFileSync(join(p.dir, 'later.html'), 'utf8');
    for (const task of ['fetch', 'lint', 'build']) expect(html).toContain(`"id":"${task}"`);
    expect(html).toContain('fetching');

    const usage = await p.cli('report', runId);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing -o FILE/);
  });
});

describe('weft run --log-format json', () => {
  it('writes one JSON object per line on stderr, each with the runId and task lines with the taskId', async () => {
    const p = project();
    const run = await p.cli('run', 'wf.yaml', '--log-format', 'json');
    expect(run.code).toBe(0);
    const lines = run.stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const runId = lines[0]!.runId;
    expect(typeof runId).toBe('string');
    for (const line of lines) expect(line.runId).toBe(runId);
    expect(lines.find((l) => l.msg === 'fetching')).toMatchObject({ taskId: 'fetch', stream: 'stdout', level: 30 });
    expect(lines.filter((l) => l.msg === 'task started').map((l) => l.taskId).sort()).toEqual(['build', 'fetch', 'lint']);
    expect(lines.at(-1)).toMatchObject({ msg: 'run succeeded', status: 'succeeded' });

    const bad = await p.cli('run', 'wf.yaml', '--log-format', 'xml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--log-format expects human or json, got "xml"/);
  });
});

describe('weft run --metrics-port', () => {
  it('serves Prometheus metrics while the run goes', async () => {
    const p = project(`name: slow-metrics
tasks:
  quick: { run: "true" }
  slow: { needs: quick, run: "sleep 1.5" }
`);
    const port = await freePort();
    const { child, done } = startCli(['run', 'wf.yaml', '--metrics-port', String(port)], { cwd: p.dir, env: { WEFT_STORE: p.store } });
    await waitForStderr(child, 'slow started');
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('weft_tasks_running{executor="shell"} 1');
    expect(text).toContain('weft_task_attempts_total{executor="shell",status="succeeded"} 1');
    expect((await done).code).toBe(0);
  });
});

describe('weft run --alerts', () => {
  it('sends alerts to a webhook and a JSONL file, and refuses a bad alerts file', async () => {
    const p = project(`name: doomed
tasks:
  deploy: { run: "echo failing >&2; exit 4" }
`);
    const bodies: string[] = [];
    const receiver = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as { port: number };
      writeFileSync(
        join(p.dir, 'alerts.yaml'),
        `alerts:
  rules:
    - on: task_failed
    - on: run_failed
  sinks:
    - { type: webhook, url: "http://127.0.0.1:${port}/hook", timeout: 2s }
    - { type: file, path: alerts.jsonl }
`,
      );
      const run = await p.cli('run', 'wf.yaml', '--alerts', 'alerts.yaml', '--quiet');
      expect(run.code).toBe(1);
      expect(bodies.map((b) => (JSON.parse(b) as { kind: string }).kind).sort()).toEqual(['run_failed', 'task_failed']);
      const lines = readFileSync(join(p.dir, 'alerts.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(2);
    } finally {
      receiver.close();
    }
    writeFileSync(join(p.dir, 'bad.yaml'), 'rules: [{ on: explode }]\n');
    const bad = await p.cli('run', 'wf.yaml', '--alerts', 'bad.yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml alerts\.rules\[0\]: `on` must be one of/);
  });
});
