/**
 * The scale-out figure of `npm run bench` (alone: `npm run bench:scale`): tasks per
 * second through Redis with 1, 2 and 4 worker processes, weft against raw BullMQ on
 * the same redis-server in the same run, and the CPU time each spends per task.
 *
 * - raw BullMQ: this process adds N no-op jobs and waits for N `completed` events;
 *   worker processes run a BullMQ Worker whose processor returns at once.
 * - weft: this process runs a workflow of N independent `echo` tasks with the
 *   queue dispatcher; worker processes are `weft worker --executors echo` (dist/).
 *
 * Both use the same concurrency per worker process. Each repetition measures the
 * two back to back (alternating who goes first), and the ratio raw ÷ weft of tasks
 * per second is taken per repetition, so drift in a shared machine favours neither.
 * CPU time is this process's plus the workers' plus redis-server's, read from
 * /proc: steadier than tasks per second when other jobs share the CPUs.
 *
 *   node --import tsx bench/scale-out.ts '{"tasks":2000,"reps":3,"concurrency":16,"workers":[1,2,4]}'
 *
 * prints one line of JSON, `{"scale": ScaleResult}`. A machine without
 * redis-server gets `{ skipped }` saying how to install it, not a crash.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type * as Index from '../src/index.js';
import { startRedisServer, type RedisServer } from '../test/scale/helpers/redis-server.js';
import type { ScaleResult, ScaleRow, ScaleSpec } from './scale-report.js';
import { summarize } from './stats.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.dirname(path.dirname(HERE));
const CLI = path.join(ROOT, 'dist/cli/main.js');
const RAW_QUEUE = 'bench-raw';
/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const TICK_US = 10_000;

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

/** CPU time (user + system, every thread) of other processes, in µs; NaN where /proc is not there. */
function processCpuUs(pids: number[]): number {
  try {
    let ticks = 0;
    for (const pid of pids) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks * TICK_US;
  } catch {
    return NaN;
  }
}

interface Sample {
  tasksPerSec: number;
  cpuUsPerTask: number;
}

/** Times `run` and the CPU it costs this process and `pids`. */
async function measure(tasks: number, pids: number[], run: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const others = processCpuUs(pids);
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(cpu);
  const used = own.user + own.system + processCpuUs(pids) - others;
  return { tasksPerSec: tasks / seconds, cpuUsPerTask: used / tasks };
}

/** Raw BullMQ, connected and listening: `run` adds `tasks` no-op jobs and resolves once all completed. */
async function rawProducer(url: string, tasks: number): Promise<{ run(): Promise<void>; close(): Promise<void> }> {
  const { Queue, QueueEvents } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(RAW_QUEUE, { connection });
  // From the stream's current end, as weft's dispatcher does: no completion is missed.
  const last = (await connection.xrevrange(queue.toKey('events'), '+', '-', 'COUNT', 1))[0];
  const events = new QueueEvents(RAW_QUEUE, { connection, lastEventId: last?.[0] ?? '0-0' });
  await events.waitUntilReady();
  return {
    async run() {
      let completed = 0;
      const done = new Promise<void>((resolve) =>
        events.on('completed', () => {
          if (++completed === tasks) resolve();
        }),
      );
      await Promise.all(Array.from({ length: tasks }, (_, i) => queue.add('noop', { i }, { attempts: 1 })));
      await done;
    },
    async close() {
      await events.close();
      await queue.close();
      connection.disconnect();
    },
  };
}

async function measureRaw(url: string, tasks: number, pids: number[]): Promise<Sample> {
  const producer = await rawProducer(url, tasks);
  try {
    return await measure(tasks, pids, () => producer.run());
  } finally {
    await producer.close();
  }
}

async function loadWeft(): Promise<typeof Index> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench does)`);
  return (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof Index;
}

/** A workflow of `tasks` independent echo tasks, run through the queue. */
function weftRun(engine: Index.WorkflowEngine, tasks: number): () => Promise<void> {
  const lines = ['name: wide', 'tasks:'];
  for (let i = 0; i < tasks; i++) lines.push(`  t${i}: { uses: echo, with: { i: ${i} } }`);
  const workflow = engine.parse(lines.join('\n'));
  return async () => {
    const result = await engine.run(workflow);
    if (result.status !== 'succeeded') throw new Error(`the weft run ${result.status}`);
  };
}

async function redisPid(redis: RedisServer): Promise<number> {
  const info = await redis.client().info('server');
  return Number(/process_id:(\d+)/.exec(info)?.[1]);
}

async function measurePoint(redis: RedisServer, weft: typeof Index, workers: number, spec: ScaleSpec): Promise<ScaleRow> {
  const url = redis.url;
  const rawArgs = ['--import', 'tsx', HERE, 'raw-worker', url, String(spec.concurrency)];
  const weftArgs = [CLI, 'worker', '--redis', url, '--executors', 'echo', '--concurrency', String(spec.concurrency)];
  const rawPool = await Promise.all(Array.from({ length: workers }, () => startProcess(rawArgs)));
  const weftPool = await Promise.all(Array.from({ length: workers }, () => startProcess(weftArgs)));
  const server = await redisPid(redis);
  const rawPids = [server, ...rawPool.map((child) => child.pid!)];
  const weftPids = [server, ...weftPool.map((child) => child.pid!)];
  const dispatcher = weft.createQueueDispatcher({ redis: url });
  const engine = new weft.WorkflowEngine({ dispatcher });
  const raws: Sample[] = [];
  const wefts: Sample[] = [];
  try {
    // A first run of each, unmeasured: the JIT compiles the hot paths of every process.
    const runWeft = weftRun(engine, spec.tasks);
    await measureRaw(url, spec.tasks, rawPids);
    await runWeft();
    for (let rep = 0; rep < spec.reps; rep++) {
      const raw = async () => raws.push(await measureRaw(url, spec.tasks, rawPids));
      const weftOnce = async () => wefts.push(await measure(spec.tasks, weftPids, runWeft));
      // Alternate who goes first, so drift in the machine favours neither.
      for (const step of rep % 2 === 0 ? [raw, weftOnce] : [weftOnce, raw]) await step();
    }
  } finally {
    await dispatcher.close();
    await stopAll([...rawPool, ...weftPool]);
    await redis.client().flushall();
  }
  const figures = (samples: Sample[]) => ({
    tasksPerSec: summarize(samples.map((s) => s.tasksPerSec)),
    cpuUsPerTask: summarize(samples.map((s) => s.cpuUsPerTask)),
  });
  return {
    workers,
    raw: figures(raws),
    weft: figures(wefts),
    ratio: summarize(raws.map((raw, i) => raw.tasksPerSec / wefts[i]!.tasksPerSec)),
    cpuRatio: summarize(raws.map((raw, i) => wefts[i]!.cpuUsPerTask / raw.cpuUsPerTask)),
  };
}

function hasRedisServer(): boolean {
  return !spawnSync('redis-server', ['--version']).error;
}

export async function measureScaleOut(spec: ScaleSpec, progress: (line: string) => void = () => undefined): Promise<ScaleResult> {
  if (!hasRedisServer()) {
    return { skipped: 'redis-server is not installed, so the scale-out figure was not measured: run `bash scripts/ensure-test-deps.sh` (or `apt-get install redis-server`) and measure again' };
  }
  const weft = await loadWeft();
  const redis = await startRedisServer();
  const rows: ScaleRow[] = [];
  try {
    for (const workers of spec.workers) {
      const row = await measurePoint(redis, weft, workers, spec);
      rows.push(row);
      progress(`scale-out ${workers} worker(s): raw ${row.raw.tasksPerSec.median.toFixed(0)}/s, weft ${row.weft.tasksPerSec.median.toFixed(0)}/s, raw ÷ weft ${row.ratio.median.toFixed(2)}×`);
    }
  } finally {
    await redis.stop();
  }
  return { ...spec, rows };
}

async function main(): Promise<void> {
  const [mode, url, concurrency] = process.argv.slice(2);
  if (mode === 'raw-worker') return rawWorker(url!, Number(concurrency));
  const spec = JSON.parse(mode ?? '{}') as ScaleSpec;
  let scale: ScaleResult;
  try {
    scale = await measureScaleOut(spec, (line) => process.stderr.write(`${line}\n`));
  } catch (error) {
    scale = { error: (error as Error).message };
  }
  process.stdout.write(`${JSON.stringify({ scale })}\n`);
  process.exit(0);
}

if (process.argv[1] === HERE) await main();
