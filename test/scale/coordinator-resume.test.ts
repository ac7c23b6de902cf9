/**
 * The coordinator (`weft run --redis`) killed with SIGKILL while its jobs run on
 * workers, then `weft resume --redis`: jobs still in flight are waited for, jobs
 * that finished meanwhile give their results, and nothing that ran runs again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../../src/engine/store/index.js';
import type { RunResult } from '../../src/engine/types.js';
import { jobIdFor, queueName } from '../../src/scale/index.js';
import { runCli, startCli } from '../e2e/cli-process.js';
import { CONFIG, marksDir, startWorker, until, type WorkerProcess } from './helpers/cluster.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();
let pool: WorkerProcess[];

beforeAll(async () => {
  pool = await Promise.all([1, 2].map(() => startWorker(redis.url, ['--concurrency', '2'])));
});
afterAll(async () => {
  await Promise.all(pool.map((worker) => worker.stop('SIGKILL')));
});

describe('a coordinator killed mid-run', () => {
  it('is resumed: it reattaches to jobs in flight and never runs a task twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-resume-'));
    const marks = marksDir();
    const file = path.join(dir, 'interrupted.yaml');
    const db = path.join(dir, 'weft.db');
    writeFileSync(
      file,
      `
name: interrupted
tasks:
  first: { uses: work, with: { value: 1, marks: "${marks.dir}" } }
  short: { needs: first, uses: work, with: { ms: 300, value: 2, marks: "${marks.dir}" } }
  long: { needs: first, uses: work, with: { ms: 3000, value: 3, marks: "${marks.dir}" } }
  last: { needs: [short, long], uses: work, with: { value: 4, add: ["\${{ tasks.short.outputs.sum }}", "\${{ tasks.long.outputs.sum }}"], marks: "${marks.dir}" } }
outputs:
  total: \${{ tasks.last.outputs.sum }}
`,
    );
    const { child, done } = startCli(['run', file, '--redis', redis.url, '--store', db, '--config', CONFIG, '--quiet']);
    await until(() => marks.starts('short').length === 1 && marks.starts('long').length === 1, 'short and long to start');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');

    const store = new SqliteRunStore(db);
    const [record] = store.listRuns();
    store.close();
    const runId = record!.runId;
    expect(record!.tasks.long?.status).toBe('running');
    // While no coordinator listens, `short` finishes on its worker; `long` is still running.
    const client = redis.server.client();
    const shortJob = `bull:${queueName('work')}:${jobIdFor(runId, 'short', 1)}`;
    await until(async () => (await client.hget(shortJob, 'finishedOn')) !== null, 'short to finish on its worker');

    try {
      const resumed = await runCli(['resume', runId, '--redis', redis.url, '--store', db, '--config', CONFIG, '--json', '--quiet']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = JSON.parse(resumed.stdout) as RunResult;
      expect(result.status).toBe('succeeded');
      expect(result.outputs).toEqual({ total: 9 });
      for (const task of ['first', 'short', 'long', 'last']) expect(marks.starts(task), task).toHaveLength(1);
      expect(result.tasks.first?.attempts).toBe(1);
      // The attempt the dead coordinator started still counts, as for any resumed run.
      expect(result.tasks.long).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { value: 3, sum: 3 } });
      expect(result.tasks.short).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { value: 2, sum: 2 } });
    } finally {
      marks.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
