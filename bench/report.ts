/** The targets of issue 6, judged on a run's results, and RESULTS.md. */
import type { BenchResults, RunRow, RunSummary, Target } from './results.js';
import { renderScale, scaleTarget } from './scale-report.js';
import type { Summary } from './stats.js';

const HEADLINE = { shape: 'layered', size: 100_000, concurrency: 8 } as const;

function row(results: BenchResults, shape: string, size: number, concurrency: number | 'unlimited'): RunRow | undefined {
  return results.runs.find((r) => r.shape === shape && r.size === size && r.concurrency === concurrency);
}

function judged(name: string, goal: string, value: number | undefined, limit: number, format: (v: number) => string, note?: string): Target {
  if (value === undefined || !Number.isFinite(value)) return { name, goal, value: 'not measured', met: null, note };
  return { name, goal, value: format(value), met: value <= limit, note };
}

const us = (v: number) => `${v.toFixed(2)} µs/task`;
const times = (v: number) => `${v.toFixed(2)}×`;

export function evaluateTargets(results: BenchResults): Target[] {
  const headline = row(results, HEADLINE.shape, HEADLINE.size, HEADLINE.concurrency);
  const weft = headline?.contenders.weft;
  const latencyRow = row(results, 'layered', 10_000, 'unlimited');
  const warm = results.warmLatency?.size === 10_000 ? results.warmLatency.contenders.weft : undefined;
  const makespan = results.makespan.variants;
  const cp = makespan.weft?.meanRatio;
  const rivals = [makespan['weft-fifo']?.meanRatio, makespan['p-graph']?.meanRatio, makespan['p-graph-plain']?.meanRatio].filter(
    (v): v is number => v !== undefined,
  );
  const persisted = 'figure' in results.persisted ? results.persisted.figure.usPerTask.median : undefined;
  const load = 'loadMs' in results.load ? results.load.loadMs.median : undefined;
  return [
    judged('weft speed', '≤ 8 µs/task, random layered 100k, concurrency 8', weft?.usPerTask.median, 8, us),
    judged('weft vs p-graph', '≥ 2× faster (weft/p-graph ≤ 0.5)', headline?.ratios.weftOverPGraph, 0.5, times),
    judged('weft vs floor', 'within 6× of the floor', headline?.ratios.weftOverFloor, 6, times),
    judged('memory (run)', '≤ 2 KB per task at 100k', weft?.runHeapPerTaskBytes.median, 2048, (v) => `${Math.round(v)} B/task`, 'peak JS heap + external memory during the run over the same just before it: the run\'s own memory (RSS cannot isolate it; see docs/performance.md)'),
    judged('memory (process)', '≤ 2 KB RSS per task at 100k, everything included', weft?.rssPerTaskBytes.median, 2048, (v) => `${Math.round(v)} B/task`, 'peak RSS over the RSS before the workflow was defined: the definition, compiled workflow and run together'),
    judged(
      'latency',
      'dependency-to-start p99 ≤ 1 ms at 10k',
      warm?.latencyP99Us.median,
      1000,
      (v) => `${(v / 1000).toFixed(3)} ms warm (cold ${latencyRow?.contenders.weft ? (latencyRow.contenders.weft.latencyP99Us.median / 1000).toFixed(3) : '–'} ms)`,
      `random layered 10k with unlimited concurrency, where no task waits for a slot, judged once V8 has compiled the engine (${results.warmLatency?.warmups ?? '–'} untimed runs first, every contender alike); the cold p99 is set by the main thread waiting for a core while V8's compiler threads run (see "Latency, warm" below)`,
    ),
    {
      ...judged('makespan', '≤ 1.05 × lower bound on average, better than FIFO and p-graph', cp, 1.05, (v) => `${v.toFixed(3)}`),
      ...(cp !== undefined && rivals.length > 0 ? { met: cp <= 1.05 && rivals.every((r) => cp < r) } : {}),
    },
    judged('loading', '10k-task YAML loads and validates in ≤ 1 s', load, 1000, (v) => `${Math.round(v)} ms`),
    'skipped' in results.persisted
      ? { name: 'persisted', goal: '≤ 60 µs/task with the SQLite store', value: 'skipped', met: null, note: results.persisted.skipped }
      : judged('persisted', '≤ 60 µs/task with the SQLite store', persisted, 60, us),
    scaleTarget(results.scale),
  ];
}

function fmt(summary: Summary | undefined, digits = 1, scale = 1): string {
  if (!summary || !Number.isFinite(summary.median)) return '–';
  const m = (summary.median / scale).toFixed(digits);
  return summary.samples.length > 1 ? `${m} ±${Math.round(summary.spread * 50)}%` : m;
}

const MB = 2 ** 20;

function runTable(rows: readonly RunRow[]): string[] {
  const lines = [
    '| shape | concurrency | contender | wall ms | µs/task | CPU µs/task | tasks/s | peak RSS MB | RSS/task B | run heap/task B | dep→start p50 µs | p99 µs | weft load ms |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    for (const [name, s] of Object.entries(r.contenders) as [string, RunSummary][]) {
      lines.push(
        `| ${r.shape} | ${r.concurrency} | ${name} | ${fmt(s.wallMs)} | ${fmt(s.usPerTask, 2)} | ${fmt(s.cpuUsPerTask, 2)} | ${fmt(s.tasksPerSec, 0)} | ${fmt(s.peakRss, 0, MB)} | ${fmt(s.rssPerTaskBytes, 0)} | ${fmt(s.runHeapPerTaskBytes, 0)} | ${fmt(s.latencyP50Us)} | ${fmt(s.latencyP99Us)} | ${fmt(s.loadMs, 0)} |`,
      );
    }
    for (const error of r.errors) lines.push(`| ${r.shape} | ${r.concurrency} | error | ${error.replaceAll('|', '\\|').slice(0, 200)} | | | | | | | | | |`);
  }
  return lines;
}

function ratioTable(rows: readonly RunRow[]): string[] {
  const lines = ['| size | shape | concurrency | weft / p-graph | weft / floor |', '| ---: | --- | --- | ---: | ---: |'];
  const ratio = (v?: number) => (v === undefined ? '–' : `${v.toFixed(2)}×`);
  for (const r of rows) lines.push(`| ${r.size} | ${r.shape} | ${r.concurrency} | ${ratio(r.ratios.weftOverPGraph)} | ${ratio(r.ratios.weftOverFloor)} |`);
  return lines;
}

function warmLatencyTable(results: BenchResults): string[] {
  const warm = results.warmLatency;
  if (!warm) return [];
  const lines = [
    `## Latency, warm (${warm.shape} ${warm.size.toLocaleString('en-US')}, unlimited concurrency, after ${warm.warmups} untimed runs in the same process)`,
    '',
    'Beside each, the cold run of the same DAG (the table above) and, for both, how long the main thread waited for a core during the run and how much CPU the process\'s other threads (V8\'s compilers, mostly) used meanwhile.',
    '',
    '| contender | µs/task | dep→start p50 µs | p99 µs | cold p99 µs | main thread waited ms | other threads CPU ms | cold: waited ms | cold: other threads ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const cold = row(results, warm.shape, warm.size, 'unlimited');
  for (const [name, s] of Object.entries(warm.contenders) as [string, RunSummary][]) {
    const c = cold?.contenders[name as keyof RunRow['contenders']];
    lines.push(
      `| ${name} | ${fmt(s.usPerTask, 2)} | ${fmt(s.latencyP50Us)} | ${fmt(s.latencyP99Us)} | ${fmt(c?.latencyP99Us)} | ${fmt(s.mainWaitMs)} | ${fmt(s.otherThreadsCpuMs)} | ${fmt(c?.mainWaitMs)} | ${fmt(c?.otherThreadsCpuMs)} |`,
    );
  }
  for (const error of warm.errors) lines.push(`- error: ${error}`);
  return lines;
}

/** `profileNotes`: markdown from bench/PROFILE.md, what the profile shows for targets not met. */
export function renderMarkdown(results: BenchResults, profileNotes: string | undefined): string {
  const { meta } = results;
  const out = [
    '# Benchmark results',
    '',
    `Measured ${meta.date} by \`npm run bench\`${meta.options.quick ? ' (BENCH_QUICK)' : ''} in ${Math.round(meta.durationS)} s.`,
    `Node ${meta.node} on ${meta.platform}; ${meta.cores} × ${meta.cpus}; ${meta.memoryGiB} GiB.`,
    `Each figure ran in a fresh Node process, ${meta.options.reps} times; cells show the median and ±half the min–max range as % of the median.`,
    'How the figures are taken and how to reproduce them: docs/performance.md.',
    '',
    '## Targets',
    '',
    '| target | goal | measured | |',
    '| --- | --- | --- | --- |',
    ...results.targets.map((t) => `| ${t.name} | ${t.goal} | ${t.value} | ${t.met === null ? 'not measured' : t.met ? 'met' : '**not met**'} |`),
    '',
    ...results.targets.filter((t) => t.note).map((t) => `- ${t.name}: ${t.note}`),
    ...(profileNotes ? ['', profileNotes.trim()] : []),
    '',
    '## Ratios (median µs/task)',
    '',
    '![µs per task of weft, p-graph and the floor, per configuration, log scale](results.svg)',
    '',
    ...ratioTable(results.runs),
  ];
  for (const size of [...new Set(results.runs.map((r) => r.size))]) {
    out.push('', `## ${size.toLocaleString('en-US')} tasks`, '', ...runTable(results.runs.filter((r) => r.size === size)));
  }
  out.push('', ...warmLatencyTable(results));
  out.push('', `## Makespan quality (${results.makespan.dags} random weighted DAGs, concurrency ${results.makespan.concurrency})`, '');
  out.push('| variant | mean makespan / lower bound | worst | mean / nominal bound |', '| --- | ---: | ---: | ---: |');
  for (const [name, v] of Object.entries(results.makespan.variants)) {
    out.push(`| ${name} | ${v.meanRatio.toFixed(3)} | ${v.maxRatio.toFixed(3)} | ${v.meanNominalRatio.toFixed(3)} |`);
  }
  for (const error of results.makespan.errors) out.push(`- error: ${error}`);
  out.push('', '## Loading', '');
  if ('loadMs' in results.load) {
    out.push(`parse + validate + compile of a ${results.load.tasks.toLocaleString('en-US')}-task YAML file, cold: ${fmt(results.load.loadMs, 0)} ms (${fmt(results.load.usPerTask, 1)} µs/task), peak RSS ${fmt(results.load.maxRss, 0, MB)} MB.`);
  } else out.push(`error: ${results.load.error}`);
  out.push('', '## Persisted mode', '');
  if ('skipped' in results.persisted) out.push(`skipped: ${results.persisted.skipped}`);
  else if ('error' in results.persisted) out.push(`error: ${results.persisted.error}`);
  else {
    const p = results.persisted;
    out.push(`weft with the SQLite store, ${p.shape} ${p.size.toLocaleString('en-US')} tasks, concurrency ${p.concurrency}: ${fmt(p.figure.usPerTask, 2)} µs/task, peak RSS ${fmt(p.figure.peakRss, 0, MB)} MB.`);
  }
  out.push('', ...renderScale(results.scale));
  return `${out.join('\n')}\n`;
}
