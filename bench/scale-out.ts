/**
 * `npm run bench:scale`: tasks per second through Redis with 1, 2 and 4 worker
 * processes, weft against raw BullMQ on the same redis-server in the same run.
 *
 * - raw BullMQ: this process adds N no-op jobs and waits for N `completed` events;
 *   worker processes run a BullMQ Worker whose processor returns at once.
 * - weft: this process runs a workflow of N independent `echo` tasks with the
 *   queue dispatcher; worker processes are `weft worker --executors echo` (dist/).
 *
 * Both use the same concurrency per worker. The figure of merit is the ratio
 * raw/weft of tasks per second (the goal: at most 1.5). Writes bench/SCALE-RESULTS.md.
 *
 *   --tasks N        tasks per measurement (default 2000)
 *   --reps N         measurements per point, the median is reported (default 3)
 *   --concurrency N  jobs at once per worker process (default 16)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Index from '../src/index.js';
import { startRedisServer, type RedisServer } from '../test/scale/helpers/redis-server.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.dirname(path.dirname(HERE));
const CLI = path.join(ROOT, 'dist/cli/main.js');
const WORKER_COUNTS = [1, 2, 4];
const RAW_QUEUE = 'bench-raw';
const GOAL = 1.5;

interface Options {
  tasks: number;
  reps: number;
  concurrency: number;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string, fallback: number) => {
    const i = argv.indexOf(flag);
    const n = i === -1 ? fallback : Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} expects a positive integer`);
    return n;
  };
  return { tasks: value('--tasks', 2000), reps: value('--reps', 3), concurrency: value('--concurrency', 16) };
}

/** A raw BullMQ worker process: `scale-out.ts raw-worker URL CONCURRENCY`. */
async function rawWorker(url: string, concurrency: number): Promise<void> {
  const { Worker } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const worker = new Worker(RAW_QUEUE, async () => ({ ok: true }), { connection, concurrency });
  await worker.waitUntilReady();
  process.stderr.write('listening on bench-raw\n');
  process.on('SIGTERM', () => void worker.close(true).then(() => process.exit(0)));
}

function startProcess(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('listening on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before listening: ${seen}`)));
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Adds `tasks` no-op jobs and resolves with tasks/s once all completed. */
async function measureRaw(url: string, tasks: number): Promise<number> {
  const { Queue, QueueEvents } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(RAW_QUEUE, { connection });
  // From the stream's current end, as weft's dispatcher does: no completion is missed.
  const last = (await connection.xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1))[0];
  const events = new QueueEvents(RAW_QUEUE, { connection, lastEventId: last?.[0] ?? '0-0' });
  await events.waitUntilReady();
  try {
    let completed = 0;
    const done = new Promise<void>((resolve) =>
      events.on('completed', () => {
        if (++completed === tasks) resolve();
      }),
    );
    const started = performance.now();
    await Promise.all(Array.from({ length: tasks }, (_, i) => queue.add('noop', { i }, { attempts: 1 })));
    await done;
    return tasks / ((performance.now() - started) / 1000);
  } finally {
    await events.close();
    await queue.close();
    connection.disconnect();
  }
}

async function loadWeft(): Promise<typeof Index> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench:scale does)`);
  return (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof Index;
}

/** A coordinator that queues every attempt in Redis. */
function weftCoordinator(weft: typeof Index, url: string) {
  const dispatcher = weft.createQueueDispatcher({ redis: url });
  return { engine: new weft.WorkflowEngine({ dispatcher }), dispatcher };
}

/** Runs a workflow of `tasks` independent echo tasks through the queue; tasks/s. */
async function measureWeft(engine: Index.WorkflowEngine, tasks: number): Promise<number> {
  const lines = ['name: wide', 'tasks:'];
  for (let i = 0; i < tasks; i++) lines.push(`  t${i}: { uses: echo, with: { i: ${i} } }`);
  const workflow = engine.parse(lines.join('\n'));
  const started = performance.now();
  const result = await engine.run(workflow);
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 'succeeded') throw new Error(`the weft run ${result.status}`);
  return tasks / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Row {
  workers: number;
  raw: number;
  weft: number;
}

async function measurePoint(redis: RedisServer, weft: typeof Index, workers: number, options: Options): Promise<Row> {
  const url = redis.url;
  const client = redis.client();
  const rawArgs = ['--import', 'tsx', HERE, 'raw-worker', url, String(options.concurrency)];
  const weftArgs = [CLI, 'worker', '--redis', url, '--executors', 'echo', '--concurrency', String(options.concurrency)];
  const raws: number[] = [];
  const wefts: number[] = [];
  const rawPool = await Promise.all(Array.from({ length: workers }, () => startProcess(rawArgs)));
  const weftPool = await Promise.all(Array.from({ length: workers }, () => startProcess(weftArgs)));
  const coordinator = weftCoordinator(weft, url);
  try {
    await measureRaw(url, Math.min(200, options.tasks));
    await measureWeft(coordinator.engine, Math.min(200, options.tasks));
    for (let rep = 0; rep < options.reps; rep++) {
      // Alternate who goes first, so drift in the machine favours neither.
      const order = rep % 2 === 0 ? ['raw', 'weft'] : ['weft', 'raw'];
      for (const contender of order) {
        if (contender === 'raw') raws.push(await measureRaw(url, options.tasks));
        else wefts.push(await measureWeft(coordinator.engine, options.tasks));
      }
    }
  } finally {
    await coordinator.dispatcher.close();
    await stopAll([...rawPool, ...weftPool]);
    await client.flushall();
  }
  return { workers, raw: median(raws), weft: median(wefts) };
}

function render(rows: Row[], options: Options): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Scale-out benchmark',
    '',
    `Written by \`npm run bench:scale\` on ${new Date().toISOString().slice(0, 10)}: ${os.availableParallelism()} × ${cpu}, Node ${process.version}, ` +
      `redis-server on loopback, workers and coordinator on the same machine.`,
    '',
    `${options.tasks} no-op tasks per measurement, ${options.concurrency} at once per worker process, median of ${options.reps}. ` +
      'Raw BullMQ: `queue.add` of every job, then wait for every `completed` event; its workers return at once. ' +
      'weft: a workflow of independent `echo` tasks run with `createQueueDispatcher`, workers are `weft worker --executors echo`.',
    '',
    '| workers | raw BullMQ tasks/s | weft tasks/s | raw ÷ weft | goal ≤ 1.5× |',
    '|--:|--:|--:|--:|:--|',
    ...rows.map((r) => {
      const ratio = r.raw / r.weft;
      return `| ${r.workers} | ${r.raw.toFixed(0)} | ${r.weft.toFixed(0)} | ${ratio.toFixed(2)}× | ${ratio <= GOAL ? 'met' : 'not met'} |`;
    }),
    '',
    'What weft adds per task, beyond the raw add/process/complete: the engine (scheduling, the run record, events), ',
    'a log channel subscription per run, a result envelope, and the worker building a task context. ',
    'Every process shares the same CPUs here, so adding workers shows contention as much as scale.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const [mode, url, concurrency] = process.argv.slice(2);
  if (mode === 'raw-worker') return rawWorker(url!, Number(concurrency));
  const options = parseOptions(process.argv.slice(2));
  const weft = await loadWeft();
  const redis = await startRedisServer();
  const rows: Row[] = [];
  try {
    for (const workers of WORKER_COUNTS) {
      const row = await measurePoint(redis, weft, workers, options);
      rows.push(row);
      process.stderr.write(`${workers} worker(s): raw ${row.raw.toFixed(0)}/s, weft ${row.weft.toFixed(0)}/s, ratio ${(row.raw / row.weft).toFixed(2)}×\n`);
    }
  } finally {
    await redis.stop();
  }
  const out = path.join(ROOT, 'bench', 'SCALE-RESULTS.md');
  await writeFile(out, render(rows, options));
  process.stderr.write(`wrote ${out}\n`);
  const worst = Math.max(...rows.map((r) => r.raw / r.weft));
  process.exit(worst <= GOAL ? 0 : 1);
}

await main();
