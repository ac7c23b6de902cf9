import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { defineExecutor } from '../../../src/engine/executor.js';
import { LogTails } from '../../../src/observe/log-tails.js';
import { renderReport, scriptSafeJson } from '../../../src/observe/report/index.js';
import { TimelineRecorder } from '../../../src/observe/timeline.js';
import { engineWith } from '../../helpers/engine.js';
import { launchChromium } from './chromium.js';

const HOSTILE_LINE = '</script><img src=x onerror="console.error(\'injected\')">';

const flaky = defineExecutor({
  name: 'flaky',
  execute(_input, ctx) {
    ctx.log(`attempt ${ctx.attempt}`);
    if (ctx.attempt < 3) throw new TaskError('FLAKY', `not ready on attempt ${ctx.attempt}`);
    return {};
  },
});

const broken = defineExecutor({
  name: 'broken',
  execute(_input, ctx) {
    ctx.log('connecting to the database');
    ctx.log(HOSTILE_LINE);
    throw new TaskError('DB_DOWN', 'connection refused by db:5432');
  },
});

async function reportOfRun() {
  const engine = engineWith([flaky, broken]);
  const workflow = engine.parse(`
name: nightly-build
concurrency: 2
tasks:
  checkout: { uses: echo, with: { ok: true } }
  deps: { needs: checkout, uses: flaky, retry: { maxAttempts: 3, delay: 30ms } }
  build:
    needs: deps
    forEach: [linux, mac]
    uses: echo
    with: { os: "\${{ item }}" }
  migrate: { needs: checkout, uses: broken, continueOnError: true }
  publish: { needs: [build, migrate], uses: echo, with: { ok: true } }
  notify: { needs: publish, trigger: all_failed, uses: echo, with: { ok: true } }
`);
  const run = engine.start(workflow);
  const recorder = new TimelineRecorder(workflow, { concurrency: 2 }).attach(run);
  const logs = new LogTails().attach(run);
  const result = await run.result;
  const html = renderReport({ result, workflow, timeline: recorder.timeline, logs: logs.toRecord() });
  const file = join(mkdtempSync(join(tmpdir(), 'weft-report-')), 'report.html');
  writeFileSync(file, html);
  return { file, html, result, timeline: recorder.timeline };
}

describe('the HTML run report in Chromium', () => {
  let browser: BrowserContext;
  let report: Awaited<ReturnType<typeof reportOfRun>>;

  beforeAll(async () => {
    [browser, report] = await Promise.all([launchChromium(), reportOfRun()]);
  }, 60_000);
  afterAll(async () => browser?.close());

  async function open() {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(report.file).href, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  it('loads offline with no console errors and fetches nothing', async () => {
    const { page, problems, requests } = await open();
    expect(await page.locator('#title').textContent()).toBe('nightly-build');
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report.file).href]);
  });

  it('shows every task, in the graph and in the task table', async () => {
    const { page } = await open();
    const declared = ['checkout', 'deps', 'build', 'migrate', 'publish', 'notify'];
    expect((await page.locator('#dag .node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-task')))).sort()).toEqual([...declared].sort());
    const rows = await page.locator('#tasks tbody tr td:first-child').allTextContents();
    expect(rows.sort()).toEqual(Object.keys(report.result.tasks).sort());
    expect(await page.locator('#dag .edge').count()).toBe(6);
  });

  it('draws one timeline bar per attempt, with back-off between retries', async () => {
    const { page } = await open();
    const started = report.timeline.attempts.filter((a) => a.startedAt !== undefined);
    const bars = await page.locator('#gantt .attempt').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-task')}#${e.getAttribute('data-attempt')}`));
    expect(bars.sort()).toEqual(started.map((a) => `${a.taskId}#${a.attempt}`).sort());
    expect(bars.filter((b) => b.startsWith('deps#'))).toHaveLength(3);
    expect(await page.locator('#gantt .backoff[data-task="deps"]').count()).toBe(2);
  });

  it('highlights the critical path', async () => {
    const { page } = await open();
    const critical = await page.locator('#dag .node.critical').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-task')));
    expect(critical).toEqual(expect.arrayContaining(['checkout', 'deps', 'publish']));
    expect(await page.locator('#gantt .attempt.critical').count()).toBeGreaterThan(0);
  });

  it('shows a task’s error and log tail on click, as text', async () => {
    const { page, problems } = await open();
    await page.locator('#dag .node[data-task="migrate"]').click();
    expect(await page.locator('#details h2').textContent()).toBe('migrate');
    expect(await page.locator('#details pre.error').textContent()).toBe('DB_DOWN: connection refused by db:5432');
    expect(await page.locator('#details pre.log').textContent()).toBe(`connecting to the database\n${HOSTILE_LINE}`);
    await page.locator('#dag .node[data-task="deps"]').click();
    expect(await page.locator('#details').textContent()).toContain('attempt 1 failed (FLAKY: not ready on attempt 1)');
    expect(problems).toEqual([]);
  });
});

describe('scriptSafeJson', () => {
  it('cannot close the script element it is embedded in', () => {
    const text = scriptSafeJson({ line: HOSTILE_LINE });
    expect(text).not.toContain('</script');
    expect(JSON.parse(text)).toEqual({ line: HOSTILE_LINE });
  });
});
