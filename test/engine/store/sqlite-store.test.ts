/** What the SQLite store adds to the RunStore contract: a real file, shared by processes, guarded. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/engine/errors.js';
import { SqliteRunStore, type RunRecord } from '../../../src/engine/store/index.js';
import { SCHEMA_VERSION } from '../../../src/engine/store/migrations.js';
import { MAX_BATCH_WRITES } from '../../../src/engine/store/sqlite-write-batch.js';
import type { TaskResult } from '../../../src/engine/types.js';

const temp = mkdtempSync(join(tmpdir(), 'weft-sqlite-store-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let dirCount = 0;
const newDir = () => {
  const dir = join(temp, `case-${++dirCount}`);
  mkdirSync(dir);
  return dir;
};

/** Resolves after the current event-loop turn, and so after the store's end-of-turn commit. */
const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

const record: RunRecord = {
  runId: 'r1',
  workflow: 'build',
  status: 'running',
  startedAt: '2024-05-01T10:00:00.000Z',
  inputs: { n: 1 },
  outputs: {},
  tasks: { a: { status: 'running', attempts: 1 } },
  definition: { text: 'name: build\n', hash: 'h', workdir: '/w' },
};

function storeError(open: () => unknown): StoreError {
  try {
    open();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError');
}

describe('SqliteRunStore', () => {
  it('creates the directory, and keeps everything after the process closes the file', () => {
    const file = join(newDir(), 'deep', '.weft', 'weft.db');
    const first = new SqliteRunStore(file);
    first.createRun(record);
    first.saveTask('r1', 'a', { status: 'succeeded', attempts: 1, outputs: { ok: true } });
    first.appendLog('r1', { taskId: 'a', attempt: 1, stream: 'stderr', line: 'warning: x', at: 't' });
    first.recordDuration('build', 'a', 500);
    first.acquireLease('r1', 'me', 60_000);
    first.close();

    const second = new SqliteRunStore(file);
    expect(second.getRun('r1')).toEqual({ ...record, tasks: { a: { status: 'succeeded', attempts: 1, outputs: { ok: true } } } });
    expect(second.readLogs('r1')).toMatchObject([{ taskId: 'a', stream: 'stderr', line: 'warning: x' }]);
    expect(second.durationEstimates('build').get('a')).toBe(500);
    expect(second.acquireLease('r1', 'someone-else', 60_000).holder).toBe('me');
    second.close();
  });

  it('uses WAL, so other processes read while a run writes', () => {
    const file = join(newDir(), 'weft.db');
    new SqliteRunStore(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('sees writes made through another connection to the same file', async () => {
    const file = join(newDir(), 'weft.db');
    const writer = new SqliteRunStore(file);
    const reader = new SqliteRunStore(file);
    writer.createRun(record);
    writer.appendLog('r1', { taskId: 'a', attempt: 1, stream: 'stdout', line: 'one', at: 't' });
    expect(reader.getRun('r1')?.status).toBe('running');
    await endOfTurn();
    expect(reader.readLogs('r1').map((e) => e.line)).toEqual(['one']);
    writer.close();
    reader.close();
  });

  it('commits task states, log lines and durations at the end of the turn; its own reads see them at once', async () => {
    const file = join(newDir(), 'weft.db');
    const writer = new SqliteRunStore(file);
    const reader = new SqliteRunStore(file);
    writer.createRun(record);
    writer.saveTask('r1', 'a', { status: 'succeeded', attempts: 1 });
    writer.appendLog('r1', { taskId: 'a', attempt: 1, stream: 'stdout', line: 'done', at: 't' });
    writer.recordDuration('build', 'a', 40);
    expect(reader.getRun('r1')?.tasks.a?.status).toBe('running');
    expect(reader.readLogs('r1')).toEqual([]);
    await endOfTurn();
    expect(reader.getRun('r1')?.tasks.a?.status).toBe('succeeded');
    expect(reader.readLogs('r1').map((e) => e.line)).toEqual(['done']);
    expect(reader.durationEstimates('build').get('a')).toBe(40);

    writer.saveTask('r1', 'b', { status: 'running', attempts: 1 });
    writer.appendLog('r1', { taskId: 'b', attempt: 1, stream: 'stdout', line: 'b starts', at: 't' });
    writer.recordDuration('build', 'a', 140);
    expect(writer.getRun('r1')?.tasks.b?.status).toBe('running');
    expect(writer.readLogs('r1').map((e) => e.line)).toEqual(['done', 'b starts']);
    expect(writer.durationEstimates('build').get('a')).toBeCloseTo(70);
    writer.close();
    reader.close();
  });

  it('stores a task as it was when saved, not as the caller changed it afterwards', () => {
    const store = new SqliteRunStore(join(newDir(), 'weft.db'));
    store.createRun(record);
    const task: TaskResult = { status: 'running', attempts: 1 };
    store.saveTask('r1', 'a', task);
    task.status = 'failed';
    expect(store.getRun('r1')?.tasks.a?.status).toBe('running');
    store.close();
  });

  it('commits within a long synchronous stretch too, every MAX_BATCH_WRITES writes', () => {
    const file = join(newDir(), 'weft.db');
    const writer = new SqliteRunStore(file);
    const reader = new SqliteRunStore(file);
    writer.createRun({ ...record, tasks: {} });
    const saves = MAX_BATCH_WRITES * 2 + 10;
    for (let i = 0; i < saves; i++) writer.saveTask('r1', `t${i}`, { status: 'succeeded', attempts: 1 });
    expect(Object.keys(reader.getRun('r1')!.tasks)).toHaveLength(MAX_BATCH_WRITES * 2);
    writer.close();
    expect(Object.keys(reader.getRun('r1')!.tasks)).toHaveLength(saves);
    reader.close();
  });

  it('loses at most the turn a crash interrupts; a process that calls process.exit() loses nothing', async () => {
    const script = fileURLToPath(new URL('fixtures/end-mid-turn.ts', import.meta.url));
    const end = (file: string, how: 'kill' | 'exit') =>
      new Promise<NodeJS.Signals | number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, file, how], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('close', (code, signal) => resolve(signal ?? code));
      });

    const killed = join(newDir(), 'weft.db');
    expect(await end(killed, 'kill')).toBe('SIGKILL');
    const afterKill = new SqliteRunStore(killed);
    expect(afterKill.getRun('r1')?.tasks).toEqual({ a: { status: 'running', attempts: 1 }, b: { status: 'pending', attempts: 0 } });
    expect(afterKill.readLogs('r1').map((e) => e.line)).toEqual(['first turn']);
    expect(afterKill.durationEstimates('build').size).toBe(0);
    afterKill.close();

    const exited = join(newDir(), 'weft.db');
    expect(await end(exited, 'exit')).toBe(0);
    const afterExit = new SqliteRunStore(exited);
    expect(afterExit.getRun('r1')?.tasks).toEqual({
      a: { status: 'succeeded', attempts: 1, outputs: { ok: true } },
      b: { status: 'running', attempts: 1 },
    });
    expect(afterExit.readLogs('r1').map((e) => e.line)).toEqual(['first turn', 'second turn']);
    expect(afterExit.durationEstimates('build').get('a')).toBe(250);
    afterExit.close();
  });

  it('refuses writes once closed, as it refuses reads', () => {
    const store = new SqliteRunStore(join(newDir(), 'weft.db'));
    store.createRun(record);
    store.close();
    expect(() => store.saveTask('r1', 'a', { status: 'succeeded', attempts: 1 })).toThrow(/not open/);
    expect(() => store.getRun('r1')).toThrow(/not open/);
  });

  it('keeps about the newest N lines per task', () => {
    const store = new SqliteRunStore(join(newDir(), 'weft.db'), { logLinesPerTask: 50 });
    for (let i = 0; i < 500; i++) store.appendLog('r1', { taskId: 'a', attempt: 1, stream: 'stdout', line: `${i}`, at: 't' });
    const lines = store.readLogs('r1').map((e) => e.line);
    expect(lines.length).toBeGreaterThanOrEqual(50);
    expect(lines.length).toBeLessThanOrEqual(50 + 3);
    expect(lines.slice(-50)).toEqual(Array.from({ length: 50 }, (_, i) => `${450 + i}`));
    store.close();
  });

  it('cuts a long line, saying how much was cut', () => {
    const store = new SqliteRunStore(join(newDir(), 'weft.db'), { maxLogLineLength: 10 });
    store.appendLog('r1', { taskId: 'a', attempt: 1, stream: 'stdout', line: 'x'.repeat(25), at: 't' });
    store.appendLog('r1', { taskId: 'a', attempt: 1, stream: 'stdout', line: 'short', at: 't' });
    expect(store.readLogs('r1').map((e) => e.line)).toEqual([`${'x'.repeat(10)}… [15 more characters cut]`, 'short']);
    store.close();
  });

  it('refuses a store from a newer weft, naming the file and both versions, and leaves it untouched', () => {
    const file = join(newDir(), 'weft.db');
    new SqliteRunStore(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = readFileSync(file);

    const error = storeError(() => new SqliteRunStore(file));
    expect(error.code).toBe('STORE_NEWER_SCHEMA');
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain(`version ${SCHEMA_VERSION + 5}`);
    expect(error.message).toContain(`version ${SCHEMA_VERSION}`);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a file that is not a SQLite database, naming it, and leaves it untouched', () => {
    const file = join(newDir(), 'weft.db');
    const text = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(file, text);
    const error = storeError(() => new SqliteRunStore(file));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it("refuses another program's SQLite database and leaves it untouched", () => {
    const file = join(newDir(), 'app.db');
    const db = new Database(file);
    db.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada')");
    db.close();
    const before = readFileSync(file);
    const error = storeError(() => new SqliteRunStore(file));
    expect(error.code).toBe('STORE_NOT_A_STORE');
    expect(error.message).toContain(file);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('says where it cannot create the file', () => {
    const blocker = join(newDir(), 'not-a-dir');
    writeFileSync(blocker, '');
    const error = storeError(() => new SqliteRunStore(join(blocker, 'weft.db')));
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain(join(blocker, 'weft.db'));
  });

  it('gives each lease to exactly one of two processes racing for it', async () => {
    const file = join(newDir(), 'weft.db');
    new SqliteRunStore(file).close();
    const script = fileURLToPath(new URL('fixtures/race-leases.ts', import.meta.url));
    const rounds = 25;
    const startAt = Date.now() + 2000;
    const contender = (holder: string) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, file, holder, String(startAt), String(rounds)], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`${holder} exited ${code}: ${err}`))));
      });
    const [first, second] = await Promise.all([contender('first'), contender('second')]);
    const winners = [...first, ...second].sort();
    expect(winners).toEqual(Array.from({ length: rounds }, (_, i) => `race-${i}`).sort());
  });
});
