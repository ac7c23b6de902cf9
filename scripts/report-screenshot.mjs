#!/usr/bin/env node
/**
 * The README's report screenshot: runs the demo (`scripts/demo.mjs`) into a
 * store of its own, writes `weft report` of that run, opens it in Debian's
 * Chromium (as the browser test does) and saves docs/images/report.png.
 * Needs `npm run build` and `bash scripts/ensure-test-deps.sh` first.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const work = mkdtempSync(join(tmpdir(), 'weft-screenshot-'));
const store = join(work, 'weft.db');
const env = { ...process.env, WEFT_STORE: store, NO_COLOR: '1' };

execFileSync(process.execPath, [join(root, 'scripts', 'demo.mjs')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const [run] = JSON.parse(execFileSync(process.execPath, [cli, 'runs', '--json', '--store', store], { env, encoding: 'utf8' }));
if (!run) throw new Error(`the demo recorded no run in ${store}`);
const report = join(work, 'report.html');
execFileSync(process.execPath, [cli, 'report', run.runId, '-o', report, '--store', store], { env, stdio: 'inherit' });

const browser = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: process.env.WEFT_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1440, height: 1000 },
  deviceScaleFactor: 1,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
  const out = join(root, 'docs', 'images', 'report.png');
  mkdirSync(join(root, 'docs', 'images'), { recursive: true });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`run ${run.runId} (${run.status}) → ${out}`);
} finally {
  await browser.close();
}
