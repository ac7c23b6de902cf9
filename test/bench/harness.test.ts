/**
 * The benchmark harness on a tiny matrix, so that it cannot rot unnoticed: every
 * figure kind runs in its own process and lands in results.json and RESULTS.md.
 * (The real `npm run bench` is not part of the test suite.) It measures the built
 * engine in dist/, which `npm test` builds first.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/results.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

describe('npm run bench', () => {
  let out: string;
  let results: BenchResults;
  let markdown: string;
  let stdout: string;

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
    out = await mkdtemp(path.join(tmpdir(), 'weft-bench-'));
    const args = ['--import', 'tsx', 'bench/main.ts', '--out', out, '--reps', '1', '--sizes', '200', '--shapes', 'layered', '--concurrency', '8'];
    args.push('--makespan-dags', '1', '--load-size', '200', '--persisted-size', '200', '--scale-tasks', '100', '--scale-workers', '1');
    ({ stdout } = await run(process.execPath, args, { cwd: ROOT, timeout: 170_000 }));
    results = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as BenchResults;
    markdown = await readFile(path.join(out, 'RESULTS.md'), 'utf8');
  }, 180_000);

  afterAll(() => rm(out, { recursive: true, force: true }));

  it('records the machine and the Node version', () => {
    expect(results.meta.node).toBe(process.version);
    expect(results.meta.cores).toBeGreaterThan(0);
    expect(results.meta.options.sizes).toEqual([200]);
  });

  it('runs the three contenders side by side, with every figure and the ratios', () => {
    expect(results.runs).toHaveLength(1);
    const [row] = results.runs;
    expect(row).toMatchObject({ shape: 'layered', size: 200, concurrency: 8, errors: [] });
    for (const name of ['weft', 'p-graph', 'floor'] as const) {
      const figures = row!.contenders[name]!;
      expect(figures.usPerTask.median).toBeGreaterThan(0);
      expect(figures.tasksPerSec.median).toBeGreaterThan(0);
      expect(figures.peakRss.median).toBeGreaterThan(0);
      expect(figures.latencyP99Us.median).toBeGreaterThanOrEqual(figures.latencyP50Us.median);
    }
    expect(row!.contenders.weft!.loadMs.median).toBeGreaterThan(0);
    expect(row!.ratios.weftOverPGraph).toBeGreaterThan(0);
    expect(row!.ratios.weftOverFloor).toBeGreaterThan(0);
  });

  it('measures latency again once each contender has run the same DAG untimed, and shows it beside the cold run', async () => {
    const warm = results.warmLatency!;
    expect(warm).toMatchObject({ shape: 'layered', size: 200, warmups: 3, errors: [] });
    for (const name of ['weft', 'p-graph', 'floor'] as const) {
      expect(warm.contenders[name]!.latencyP99Us.median).toBeGreaterThanOrEqual(warm.contenders[name]!.latencyP50Us.median);
    }
    expect(await readFile(path.join(out, 'RESULTS.md'), 'utf8')).toContain('## Latency, warm (layered 200, unlimited concurrency, after 3 untimed runs');
  });

  it('draws µs per task of each contender as a chart that RESULTS.md shows', async () => {
    const svg = await readFile(path.join(out, 'results.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const name of ['weft', 'p-graph', 'floor']) {
      const median = results.runs[0]!.contenders[name as 'weft']!.usPerTask.median;
      expect(svg).toContain(`<title>${name}: ${median.toFixed(2)} µs/task</title>`);
    }
    expect(svg).toContain('layered 200, concurrency 8');
    expect(await readFile(path.join(out, 'RESULTS.md'), 'utf8')).toContain('](results.svg)');
  });

  it('measures makespan quality against the lower bound for each variant', () => {
    expect(Object.keys(results.makespan.variants).sort()).toEqual(['p-graph', 'p-graph-plain', 'weft', 'weft-fifo', 'weft-unit']);
    // No schedule beats the lower bound (a little slack for timer granularity).
    for (const variant of Object.values(results.makespan.variants)) expect(variant.meanRatio).toBeGreaterThan(0.95);
  });

  it('measures loading, and persisted mode or says why it was skipped', () => {
    expect('loadMs' in results.load && results.load.loadMs.median).toBeGreaterThan(0);
    expect('figure' in results.persisted || 'skipped' in results.persisted).toBe(true);
  });

  it('measures scale-out against raw BullMQ on a redis-server of its own, or says why it could not', () => {
    const scale = results.scale!;
    if ('skipped' in scale) {
      expect(scale.skipped).toMatch(/redis-server is not installed/);
      expect(markdown).toContain(`skipped: ${scale.skipped}`);
      return;
    }
    expect(scale).toMatchObject({ tasks: 100, workers: [1], rows: [{ workers: 1 }] });
    const [row] = 'rows' in scale ? scale.rows : [];
    for (const figures of [row!.raw, row!.weft]) {
      expect(figures.tasksPerSec.median).toBeGreaterThan(0);
      expect(figures.cpuUsPerTask.median).toBeGreaterThan(0);
    }
    expect(row!.ratio.median).toBeCloseTo(row!.raw.tasksPerSec.samples[0]! / row!.weft.tasksPerSec.samples[0]!, 5);
    expect(markdown).toContain('## Scale-out');
    expect(markdown).toMatch(/\| 1 \| \d+ \| \d+ \| [\d.]+ \| \d+ \| \d+ \| [\d.]+ \| (met|\*\*not met\*\*) \|/);
  });

  it('judges every target and prints each as met or not', () => {
    expect(results.targets.map((t) => t.name)).toEqual([
      'weft speed',
      'weft vs p-graph',
      'weft vs floor',
      'memory (run)',
      'memory (process)',
      'latency',
      'makespan',
      'loading',
      'persisted',
      'scale-out',
    ]);
    // At 200 tasks the 100k figures are not measured: they say so rather than guess.
    expect(results.targets.find((t) => t.name === 'weft speed')!.met).toBeNull();
    expect(results.targets.find((t) => t.name === 'makespan')!.met).toEqual(expect.any(Boolean));
    for (const target of results.targets) expect(stdout).toContain(`${target.name}: ${target.value}`);
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('| layered | 8 | p-graph |');
  });
});
