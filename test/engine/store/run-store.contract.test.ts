/**
 * What every RunStore does, whatever keeps the data: one suite, run against each
 * implementation. MemoryRunStore is the reference behaviour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MEMORY_LOG_LINES_PER_TASK,
  MemoryRunStore,
  SQLITE_LOG_LINES_PER_TASK,
  SqliteRunStore,
  type RunRecord,
  type RunStore,
} from '../../../src/engine/store/index.js';
import type { TaskResult } from '../../../src/engine/types.js';

const temp = mkdtempSync(join(tmpdir(), 'weft-store-contract-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let fileCount = 0;

const implementations = [
  { name: 'MemoryRunStore', logCap: MEMORY_LOG_LINES_PER_TASK, create: (): RunStore => new MemoryRunStore() },
  { name: 'SqliteRunStore', logCap: SQLITE_LOG_LINES_PER_TASK, create: (): RunStore => new SqliteRunStore(join(temp, `${++fileCount}`, 'weft.db')) },
];

function run(runId: string, patch: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    workflow: 'build',
    status: 'running',
    startedAt: '2024-05-01T10:00:00.000Z',
    inputs: { branch: 'main', depth: 2 },
    outputs: {},
    tasks: { compile: { status: 'pending', attempts: 0 }, test: { status: 'pending', attempts: 0 } },
    ...patch,
  };
}

const line = (taskId: string, text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({
  taskId,
  attempt: 1,
  stream,
  line: text,
  at: '2024-05-01T10:00:01.000Z',
});

describe.each(implementations)('$name', ({ create, logCap }) => {
  let store: RunStore;
  beforeEach(() => {
    store = create();
  });
  afterEach(() => store.close?.());

  describe('runs and tasks', () => {
    it('gives back a created run whole: inputs, tasks, the definition', () => {
      const definition = { text: 'name: build\n', file: '/p/build.yaml', hash: 'abc', workdir: '/p' };
      store.createRun(run('r1', { definition }));
      expect(store.getRun('r1')).toEqual(run('r1', { definition }));
    });

    it('has no run for an unknown id', () => {
      expect(store.getRun('nope')).toBeUndefined();
    });

    it('keeps each task state change, forEach instances beside their aggregate, in first-saved order', () => {
      store.createRun(run('r1'));
      const done: TaskResult = { status: 'succeeded', attempts: 2, startedAt: 'a', finishedAt: 'b', durationMs: 12, outputs: { n: [1, 'x'] } };
      store.saveTask('r1', 'compile', { status: 'running', attempts: 1 });
      store.saveTask('r1', 'build[1]', { status: 'running', attempts: 1 });
      store.saveTask('r1', 'build[0]', { status: 'failed', attempts: 1, error: { code: 'NONZERO_EXIT', message: 'exit 1', exitCode: 1 } });
      store.saveTask('r1', 'compile', done);
      const tasks = store.getRun('r1')!.tasks;
      expect(Object.keys(tasks)).toEqual(['compile', 'test', 'build[1]', 'build[0]']);
      expect(tasks.compile).toEqual(done);
      expect(tasks['build[0]']).toEqual({ status: 'failed', attempts: 1, error: { code: 'NONZERO_EXIT', message: 'exit 1', exitCode: 1 } });
    });

    it('ignores a task saved for a run it does not have', () => {
      store.saveTask('ghost', 'a', { status: 'running', attempts: 1 });
      expect(store.getRun('ghost')).toBeUndefined();
    });

    it('updates run fields, and replaces the tasks when the patch has them', () => {
      store.createRun(run('r1'));
      store.updateRun('r1', {
        status: 'failed',
        finishedAt: '2024-05-01T10:05:00.000Z',
        durationMs: 300_000,
        outputs: { report: 'r.txt' },
        error: { code: 'RUN_TIMEOUT', message: 'too slow' },
        tasks: { test: { status: 'failed', attempts: 3 }, compile: { status: 'succeeded', attempts: 1 } },
      });
      expect(store.getRun('r1')).toEqual(
        run('r1', {
          status: 'failed',
          finishedAt: '2024-05-01T10:05:00.000Z',
          durationMs: 300_000,
          outputs: { report: 'r.txt' },
          error: { code: 'RUN_TIMEOUT', message: 'too slow' },
          tasks: { test: { status: 'failed', attempts: 3 }, compile: { status: 'succeeded', attempts: 1 } },
        }),
      );
      expect(Object.keys(store.getRun('r1')!.tasks)).toEqual(['test', 'compile']);
    });

    it('does not create a run on update', () => {
      store.updateRun('ghost', { status: 'succeeded' });
      expect(store.getRun('ghost')).toBeUndefined();
    });

    it('lists runs newest first, filtered by workflow and status, up to a limit', () => {
      store.createRun(run('a', { workflow: 'build', status: 'succeeded' }));
      store.createRun(run('b', { workflow: 'deploy', status: 'failed' }));
      store.createRun(run('c', { workflow: 'build', status: 'failed' }));
      store.createRun(run('d', { workflow: 'build', status: 'running' }));
      const ids = (filter?: Parameters<RunStore['listRuns']>[0]) => store.listRuns(filter).map((r) => r.runId);
      expect(ids()).toEqual(['d', 'c', 'b', 'a']);
      expect(ids({ workflow: 'build' })).toEqual(['d', 'c', 'a']);
      expect(ids({ status: 'failed' })).toEqual(['c', 'b']);
      expect(ids({ workflow: 'build', status: 'failed' })).toEqual(['c']);
      expect(ids({ limit: 2 })).toEqual(['d', 'c']);
      expect(store.listRuns({ limit: 1 })[0]!.tasks).toEqual(run('d').tasks);
    });

    it('prunes finished runs that started before the date, with their logs, and says how many', () => {
      const old = '2024-01-01T00:00:00.000Z';
      store.createRun(run('old-done', { startedAt: old, finishedAt: old, status: 'succeeded' }));
      store.createRun(run('old-running', { startedAt: old }));
      store.createRun(run('new-done', { startedAt: '2024-06-01T00:00:00.000Z', finishedAt: '2024-06-01T00:01:00.000Z', status: 'failed' }));
      store.appendLog('old-done', line('compile', 'gone'));
      store.appendLog('new-done', line('compile', 'kept'));
      expect(store.pruneRuns(new Date('2024-03-01T00:00:00.000Z'))).toBe(1);
      expect(store.getRun('old-done')).toBeUndefined();
      expect(store.readLogs('old-done')).toEqual([]);
      expect(store.listRuns().map((r) => r.runId)).toEqual(['new-done', 'old-running']);
      expect(store.readLogs('new-done').map((e) => e.line)).toEqual(['kept']);
      expect(store.pruneRuns(new Date('2024-03-01T00:00:00.000Z'))).toBe(0);
    });
  });

  describe('logs', () => {
    it('reads lines back in order, by task, after a seq, up to a limit', () => {
      store.createRun(run('r1'));
      store.appendLog('r1', line('compile', 'one'));
      store.appendLog('r1', line('test', 'two', 'stderr'));
      store.appendLog('r1', line('compile', 'three'));
      const all = store.readLogs('r1');
      expect(all.map((e) => e.line)).toEqual(['one', 'two', 'three']);
      expect(all[1]).toMatchObject({ taskId: 'test', stream: 'stderr', attempt: 1, at: '2024-05-01T10:00:01.000Z' });
      expect(all[0]!.seq).toBeLessThan(all[1]!.seq);
      expect(store.readLogs('r1', { taskId: 'compile' }).map((e) => e.line)).toEqual(['one', 'three']);
      expect(store.readLogs('r1', { afterSeq: all[0]!.seq }).map((e) => e.line)).toEqual(['two', 'three']);
      expect(store.readLogs('r1', { limit: 2 }).map((e) => e.line)).toEqual(['one', 'two']);
      expect(store.readLogs('other')).toEqual([]);
    });

    it("keeps a chatty task's newest lines without dropping a quiet task's", () => {
      store.createRun(run('r1'));
      store.appendLog('r1', line('quiet', 'q1'));
      const total = logCap * 5;
      for (let i = 0; i < total; i++) store.appendLog('r1', line('chatty', `line ${i}`));
      store.appendLog('r1', line('quiet', 'q2'));
      const chatty = store.readLogs('r1', { taskId: 'chatty' }).map((e) => e.line);
      expect(chatty.length).toBeGreaterThanOrEqual(logCap);
      expect(chatty.length).toBeLessThanOrEqual(logCap * 4);
      expect(chatty).not.toContain('line 0');
      const first = Number(chatty[0]!.split(' ')[1]);
      expect(chatty).toEqual(Array.from({ length: total - first }, (_, i) => `line ${first + i}`));
      expect(store.readLogs('r1', { taskId: 'quiet' }).map((e) => e.line)).toEqual(['q1', 'q2']);
    });
  });

  describe('durations', () => {
    it('estimates per (workflow, task): the first sample, then a moving average leaning to the past', () => {
      store.recordDuration('build', 'compile', 1000);
      expect(store.durationEstimates('build').get('compile')).toBe(1000);
      store.recordDuration('build', 'compile', 2000);
      expect(store.durationEstimates('build').get('compile')).toBeCloseTo(1300);
      store.recordDuration('deploy', 'compile', 50);
      expect(store.durationEstimates('build').get('compile')).toBeCloseTo(1300);
      expect([...store.durationEstimates('deploy')]).toEqual([['compile', 50]]);
      expect(store.durationEstimates('unknown').size).toBe(0);
    });
  });

  describe('leases', () => {
    it('gives a free run to the first holder; another holder is told who holds it', () => {
      expect(store.acquireLease('r1', 'pid-1', 60_000).holder).toBe('pid-1');
      const seen = store.acquireLease('r1', 'pid-2', 60_000);
      expect(seen.holder).toBe('pid-1');
      expect(seen.expiresAt).toBeGreaterThan(Date.now());
    });

    it('renews for the holder', () => {
      const first = store.acquireLease('r1', 'pid-1', 1000);
      const renewed = store.acquireLease('r1', 'pid-1', 600_000);
      expect(renewed.holder).toBe('pid-1');
      expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt);
    });

    it('lets another holder take an expired lease', () => {
      store.acquireLease('r1', 'dead', -1000);
      expect(store.acquireLease('r1', 'pid-2', 60_000).holder).toBe('pid-2');
    });

    it('is released only by its holder', () => {
      store.acquireLease('r1', 'pid-1', 60_000);
      store.releaseLease('r1', 'pid-2');
      expect(store.acquireLease('r1', 'pid-2', 60_000).holder).toBe('pid-1');
      store.releaseLease('r1', 'pid-1');
      expect(store.acquireLease('r1', 'pid-2', 60_000).holder).toBe('pid-2');
    });

    it('holds one lease per run', () => {
      store.acquireLease('r1', 'pid-1', 60_000);
      expect(store.acquireLease('r2', 'pid-2', 60_000).holder).toBe('pid-2');
    });
  });
});
