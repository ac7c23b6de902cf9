import { EventEmitter } from 'eventemitter3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEventListeners } from '../../src/engine/events.js';
import type { RunResult } from '../../src/engine/types.js';
import { ProgressReporter, type ProgressMode } from '../../src/cli/progress.js';
import { createStyle, formatDuration, shouldColor } from '../../src/cli/style.js';
import { TaskBoard, renderBoard } from '../../src/cli/task-board.js';

const plainStyle = createStyle(false);
const T0 = new Date(2024, 0, 1, 12, 0, 0).getTime();

class FakeStream {
  text = '';
  columns = 60;
  rows = 20;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function setup(mode: ProgressMode) {
  const stream = new FakeStream();
  let now = T0;
  const run = new EventEmitter<RunEventListeners>();
  const reporter = new ProgressReporter({ mode, style: plainStyle, stream, now: () => now, refreshMs: 10 });
  reporter.attach(run);
  return { stream, run, reporter, advance: (ms: number) => (now += ms) };
}

const timings = (durationMs: number) => ({ durationMs });

function result(status: RunResult['status'], tasks: RunResult['tasks']): RunResult {
  return {
    runId: 'r1',
    workflow: 'demo',
    status,
    startedAt: new Date(T0).toISOString(),
    durationMs: 1500,
    inputs: {},
    outputs: {},
    tasks,
  };
}

afterEach(() => vi.useRealTimers());

describe('plain progress', () => {
  it('prints one timestamped line per state change', () => {
    const { stream, run, advance } = setup('plain');
    run.emit('run:start', { runId: 'r1', workflow: 'demo', inputs: {}, taskCount: 2 });
    run.emit('task:queued', { runId: 'r1', taskId: 'fetch', attempt: 1 });
    run.emit('task:start', { runId: 'r1', taskId: 'fetch', attempt: 1, maxAttempts: 3 });
    advance(1000);
    run.emit('task:retry', {
      runId: 'r1',
      taskId: 'fetch',
      attempt: 1,
      delayMs: 200,
      error: { code: 'NONZERO_EXIT', message: 'exited with code 1: boom' },
    });
    run.emit('task:start', { runId: 'r1', taskId: 'fetch', attempt: 2, maxAttempts: 3 });
    run.emit('task:finish', { runId: 'r1', taskId: 'fetch', status: 'succeeded', attempts: 2, timings: timings(120) });
    run.emit('task:finish', {
      runId: 'r1',
      taskId: 'notify',
      status: 'skipped',
      attempts: 0,
      skipReason: '`if` condition was false',
      timings: {},
    });
    expect(stream.text.split('\n')).toEqual([
      '12:00:00 ▸ fetch started',
      '12:00:01 ↻ fetch retry 2/3 in 200ms: NONZERO_EXIT exited with code 1: boom',
      '12:00:01 ▸ fetch started (attempt 2/3)',
      '12:00:01 ✓ fetch succeeded 120ms',
      '12:00:01 ↷ notify skipped: `if` condition was false',
      '',
    ]);
  });

  it('shows a failure with its code and only the first line of its message', () => {
    const { stream, run } = setup('plain');
    run.emit('task:finish', {
      runId: 'r1',
      taskId: 'build[0]',
      status: 'failed',
      attempts: 1,
      error: { code: 'NONZERO_EXIT', message: 'exited with code 2\nmore detail' },
      timings: timings(3400),
    });
    expect(stream.text).toBe('12:00:00 ✗ build[0] failed 3.4s: NONZERO_EXIT exited with code 2 …\n');
  });

  it('prints nothing but the summary when quiet', () => {
    const { stream, run, reporter } = setup('quiet');
    run.emit('task:start', { runId: 'r1', taskId: 'a', attempt: 1, maxAttempts: 1 });
    run.emit('task:finish', { runId: 'r1', taskId: 'a', status: 'succeeded', attempts: 1, timings: timings(5) });
    expect(stream.text).toBe('');
    reporter.finish(result('succeeded', { a: { status: 'succeeded', attempts: 1 } }));
    expect(stream.text).toBe('✓ demo succeeded in 1.5s · 1 succeeded\n');
  });
});

describe('summary', () => {
  it('counts tasks by status, not counting forEach aggregates twice, and shows failures with their last log lines', () => {
    const { stream, run, reporter } = setup('quiet');
    for (let i = 1; i <= 12; i++) {
      run.emit('task:log', { runId: 'r1', taskId: 'build', attempt: 1, stream: 'stdout', line: `line ${i}`, at: '' });
    }
    reporter.finish(
      result('failed', {
        fetch: { status: 'succeeded', attempts: 1 },
        each: { status: 'succeeded', attempts: 2 },
        'each[0]': { status: 'succeeded', attempts: 1 },
        'each[1]': { status: 'succeeded', attempts: 1 },
        build: { status: 'failed', attempts: 3, error: { code: 'NONZERO_EXIT', message: 'exited with code 1: boom' } },
        deploy: { status: 'upstream_failed', attempts: 0 },
      }),
    );
    const lines = stream.text.trimEnd().split('\n');
    expect(lines[0]).toBe('✗ demo failed in 1.5s · 3 succeeded, 1 failed, 1 upstream_failed');
    expect(lines[1]).toBe('  ✗ build after 3 attempts: NONZERO_EXIT exited with code 1: boom');
    expect(lines.slice(2)).toEqual(Array.from({ length: 10 }, (_, i) => `      │ line ${i + 3}`));
  });

  it('shows the run error and the outputs of a successful run', () => {
    const { stream, reporter } = setup('quiet');
    const timedOut = result('failed', {});
    timedOut.error = { code: 'RUN_TIMEOUT', message: 'the run timed out after 50 ms' };
    reporter.finish(timedOut);
    expect(stream.text).toContain('  RUN_TIMEOUT the run timed out after 50 ms');
    const ok = result('succeeded', { a: { status: 'succeeded', attempts: 1 } });
    ok.outputs = { greeting: 'hello' };
    reporter.finish(ok);
    expect(stream.text).toContain('outputs {"greeting":"hello"}');
  });
});

describe('live view', () => {
  it('lists running and failed tasks first, with attempts and elapsed time, and counts done/total', () => {
    const board = new TaskBoard(() => T0);
    board.onRunStart({ runId: 'r1', workflow: 'demo', inputs: {}, taskCount: 4 });
    board.onFinish({ runId: 'r1', taskId: 'a', status: 'succeeded', attempts: 1, timings: timings(50) });
    board.onStart({ runId: 'r1', taskId: 'b', attempt: 2, maxAttempts: 5 });
    board.onFinish({ runId: 'r1', taskId: 'c', status: 'failed', attempts: 1, timings: timings(900) });
    board.onQueued({ runId: 'r1', taskId: 'd', attempt: 1 });
    const lines = renderBoard(board, plainStyle, { columns: 80, rows: 10 }, T0 + 1500);
    expect(lines).toEqual([
      'demo 2/4 done · 1.5s',
      '▸ b 2/5 1.5s',
      '✗ c failed 900ms',
      '· d queued',
      '✓ a succeeded 50ms',
    ]);
  });

  it('fits the terminal: capped to its height and cut to its width', () => {
    const board = new TaskBoard(() => T0);
    board.onRunStart({ runId: 'r1', workflow: 'demo', inputs: {}, taskCount: 50 });
    for (let i = 0; i < 50; i++) board.onQueued({ runId: 'r1', taskId: `task-with-a-long-name-${i}`, attempt: 1 });
    const lines = renderBoard(board, plainStyle, { columns: 20, rows: 6 }, T0);
    expect(lines).toHaveLength(6);
    expect(lines.at(-1)).toBe('… 46 more');
    for (const line of lines) expect(line.length).toBeLessThan(20);
  });

  it('redraws in place and clears the view before the summary', async () => {
    const { stream, run, reporter } = setup('live');
    run.emit('run:start', { runId: 'r1', workflow: 'demo', inputs: {}, taskCount: 1 });
    run.emit('task:start', { runId: 'r1', taskId: 'a', attempt: 1, maxAttempts: 1 });
    await vi.waitFor(() => expect(stream.text).toContain('\u001b[2F\u001b[J'));
    reporter.finish(result('succeeded', { a: { status: 'succeeded', attempts: 1 } }));
    expect(stream.text).toMatch(/\u001b\[2F\u001b\[J✓ demo succeeded in 1\.5s · 1 succeeded\n$/);
  });
});

describe('style', () => {
  it('colours only a TTY without NO_COLOR', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(createStyle(true).mark('failed')).toBe('\u001b[31m✗\u001b[0m');
  });

  it('formats durations compactly', () => {
    expect([850, 1200, 125_000, 3_720_000].map(formatDuration)).toEqual(['850ms', '1.2s', '2m05s', '1h02m']);
  });
});
