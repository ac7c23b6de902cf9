import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DrivingStore } from '../../src/cli/driving-store.js';
import { SqliteRunStore } from '../../src/engine/store/index.js';

const temp = mkdtempSync(join(tmpdir(), 'weft-driving-store-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('DrivingStore', () => {
  it('creates its file on first use, not before, and a hand-over of an unused store creates nothing', () => {
    const file = join(temp, 'lazy', 'weft.db');
    const store = new DrivingStore(file);
    store.handOver();
    expect(existsSync(join(temp, 'lazy'))).toBe(false);
    expect(new DrivingStore(file).listRuns()).toEqual([]);
    expect(existsSync(file)).toBe(true);
  });

  it('hands its leases over: another process takes the run at once, and what was written is there', () => {
    const file = join(temp, 'leases.db');
    const store = new DrivingStore(file);
    store.createRun({ runId: 'r1', workflow: 'w', status: 'running', startedAt: new Date().toISOString(), inputs: {}, outputs: {}, tasks: {} });
    expect(store.acquireLease('r1', 'me', 60_000).holder).toBe('me');
    store.saveTask('r1', 'a', { status: 'succeeded', attempts: 1 });
    const other = new SqliteRunStore(file);
    try {
      expect(other.acquireLease('r1', 'other', 60_000).holder).toBe('me');
      store.handOver();
      expect(other.acquireLease('r1', 'other', 60_000).holder).toBe('other');
      expect(other.getRun('r1')?.tasks.a?.status).toBe('succeeded');
    } finally {
      other.close();
    }
  });

  it('never releases a lease another process took after this one let it go', () => {
    const file = join(temp, 'released.db');
    const store = new DrivingStore(file);
    store.acquireLease('r2', 'me', 60_000);
    store.releaseLease('r2', 'me');
    const other = new SqliteRunStore(file);
    try {
      expect(other.acquireLease('r2', 'other', 60_000).holder).toBe('other');
      store.handOver();
      expect(other.acquireLease('r2', 'third', 60_000).holder).toBe('other');
    } finally {
      other.close();
    }
  });
});
