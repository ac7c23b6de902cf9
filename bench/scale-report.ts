/** The scale-out figure in results.json, its target, and its section of RESULTS.md. */
import type { Target } from './results.js';
import type { Summary } from './stats.js';

/** The goal: weft's dispatch overhead at most 1.5× raw BullMQ's. */
export const SCALE_GOAL = 1.5;

export interface ScaleSpec {
  /** Tasks per measurement. */
  tasks: number;
  reps: number;
  /** Jobs at once per worker process. */
  concurrency: number;
  /** Worker processes, one point each. */
  workers: number[];
}

export interface ContenderFigures {
  tasksPerSec: Summary;
  /** Coordinator + workers + redis-server. */
  cpuUsPerTask: Summary;
}

export interface ScaleRow {
  workers: number;
  raw: ContenderFigures;
  weft: ContenderFigures;
  /** Raw tasks/s over weft's, per repetition. */
  ratio: Summary;
  /** weft's CPU per task over raw's, per repetition. */
  cpuRatio: Summary;
}

export type ScaleResult = { skipped: string } | { error: string } | (ScaleSpec & { rows: ScaleRow[] });

export function scaleTarget(scale: ScaleResult | undefined): Target {
  const name = 'scale-out';
  const goal = `raw BullMQ tasks/s ÷ weft's ≤ ${SCALE_GOAL}× with 1, 2 and 4 workers`;
  if (scale === undefined) return { name, goal, value: 'not measured', met: null };
  if ('skipped' in scale) return { name, goal, value: 'skipped', met: null, note: scale.skipped };
  if ('error' in scale) return { name, goal, value: 'error', met: null, note: scale.error };
  const value = scale.rows.map((r) => `${r.ratio.median.toFixed(2)}×`).join(' / ') + ` (${scale.rows.map((r) => r.workers).join(' / ')} workers)`;
  return {
    name,
    goal,
    value,
    met: scale.rows.length > 0 && scale.rows.every((r) => r.ratio.median <= SCALE_GOAL),
    note: 'median of the per-repetition ratios, raw and weft measured back to back on the same redis-server; see "Scale-out" below for CPU time, steadier on a shared machine',
  };
}

/** The median, and ±half the min–max range as % of it when there were several repetitions (as in the other tables). */
function cell(s: Summary, digits: number): string {
  if (!Number.isFinite(s.median)) return '–';
  const median = s.median.toFixed(digits);
  return s.samples.length > 1 ? `${median} ±${Math.round(s.spread * 50)}%` : median;
}

export function renderScale(scale: ScaleResult | undefined): string[] {
  const out = ['## Scale-out', ''];
  if (scale === undefined) return [...out, 'not measured in this run (`npm run bench:scale` measures it alone).'];
  if ('skipped' in scale) return [...out, `skipped: ${scale.skipped}`];
  if ('error' in scale) return [...out, `error: ${scale.error}`];
  out.push(
    `${scale.tasks} no-op tasks per measurement, ${scale.concurrency} at once per worker process, ${scale.reps} repetitions; redis-server on loopback, ` +
      'coordinator and workers on this machine. Raw BullMQ: `queue.add` of every job, then wait for every `completed` event; its workers return at once. ' +
      'weft: a workflow of independent `echo` tasks run with `createQueueDispatcher`; workers are `weft worker --executors echo`. ' +
      'CPU is the coordinator\'s, the workers\' and redis-server\'s together, per task.',
    '',
    '| workers | raw tasks/s | weft tasks/s | raw ÷ weft | raw CPU µs/task | weft CPU µs/task | weft ÷ raw CPU | goal ≤ 1.5× |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of scale.rows) {
    const met = r.ratio.median <= SCALE_GOAL ? 'met' : '**not met**';
    out.push(
      `| ${r.workers} | ${cell(r.raw.tasksPerSec, 0)} | ${cell(r.weft.tasksPerSec, 0)} | ${cell(r.ratio, 2)} | ${cell(r.raw.cpuUsPerTask, 0)} | ${cell(r.weft.cpuUsPerTask, 0)} | ${cell(r.cpuRatio, 2)} | ${met} |`,
    );
  }
  out.push(
    '',
    'What weft adds per task beyond the raw add/process/complete: the engine (scheduling, the run record, events), a job id of its own and ' +
      'a day\'s retention, the task context in the job, a result envelope, and one message on the run\'s channel (where raw BullMQ\'s side reads ' +
      'the queue\'s event stream). Measured without `WEFT_QUEUE_KEY`: sealing adds four AES-GCM passes per job, about 6 µs each. ' +
      'Every process shares the same CPUs here, so more workers show contention as much as scale.',
  );
  return out;
}
