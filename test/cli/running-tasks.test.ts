import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import type { RunEventListeners } from '../../src/engine/events.js';
import type { TaskContext } from '../../src/engine/executor.js';
import { RunningTasks } from '../../src/cli/running-tasks.js';
import { TaskBoard } from '../../src/cli/task-board.js';
import { WorkflowEngine } from '../../src/weft-engine.js';

const custom = { names: new Set(['flaky', 'slow']), file: '/p/weft.config.mjs' };

function ctx(taskId: string, attempt = 1): TaskContext {
  return { runId: 'r1', taskId, attempt } as TaskContext;
}

describe('RunningTasks', () => {
  it('names the one custom executor running as the likely culprit, with its tasks', async () => {
    const running = new RunningTasks(custom);
    let release!: () => void;
    const wait = new Promise<void>((resolve) => (release = resolve));
    const flaky = running.track({ name: 'flaky', description: 'kept', execute: () => wait.then(() => ({ ok: true })) });
    const shell = running.track({ name: 'shell', execute: () => wait });
    expect(flaky.description).toBe('kept');
    const calls = [flaky.execute({}, ctx('a', 2)), flaky.execute({}, ctx('b')), shell.execute({}, ctx('c'))];
    expect(running.describe({ withRunIds: true })).toEqual([
      'tasks running in this process at that moment: a of run r1 (flaky, attempt 2), b of run r1 (flaky, attempt 1), c of run r1 (shell, attempt 1)',
      'likely culprit: executor "flaky" from /p/weft.config.mjs, the only custom executor that was running (tasks a of run r1, b of run r1)',
    ]);
    release();
    expect(await calls[0]).toEqual({ ok: true });
    await Promise.all(calls);
    expect(running.describe()).toEqual([
      'no task was running in this process at that moment (an executor may have left a timer or callback behind after its task ended)',
    ]);
  });

  it('lists every custom executor running when there are several, and blames none', () => {
    const running = new RunningTasks(custom);
    const never = () => new Promise<never>(() => undefined);
    void running.track({ name: 'flaky', execute: never }).execute({}, ctx('a'));
    void running.track({ name: 'slow', execute: never }).execute({}, ctx('b'));
    expect(running.describe()).toEqual([
      'tasks running in this process at that moment: a (flaky, attempt 1), b (slow, attempt 1)',
      'custom executors that were running from /p/weft.config.mjs: "flaky" (a), "slow" (b)',
    ]);
  });

  it('follows a run through the task board, naming a forEach instance and a fallback by their executors', () => {
    const workflow = new WorkflowEngine().parse(`name: w
tasks:
  each: { forEach: '\${{ fromJSON(''[1, 2]'') }}', run: echo hi }
  main: { uses: echo, fallback: { uses: shell, with: { run: echo fb } } }
`);
    const run = Object.assign(new EventEmitter<RunEventListeners>(), { id: 'r9' });
    const board = new TaskBoard();
    run.on('task:start', (e) => board.onStart(e));
    run.on('task:retry', (e) => board.onRetry(e));
    const running = new RunningTasks(custom, 'on workers');
    running.follow(run, workflow, board);
    run.emit('task:start', { runId: 'r9', taskId: 'each[1]', attempt: 1, maxAttempts: 1 });
    run.emit('task:start', { runId: 'r9', taskId: 'main', attempt: 1, maxAttempts: 1 });
    run.emit('task:retry', { runId: 'r9', taskId: 'main', attempt: 1, delayMs: 0, error: { code: 'X', message: 'x' }, fallback: 'shell' });
    expect(running.describe()).toEqual(['tasks running on workers at that moment: each[1] (shell, attempt 1)']);
    run.emit('task:start', { runId: 'r9', taskId: 'main', attempt: 2, maxAttempts: 1 });
    expect(running.describe()).toEqual(['tasks running on workers at that moment: each[1] (shell, attempt 1), main (shell, attempt 2)']);
  });
});
