/**
 * The contract every built-in executor keeps. A new executor joins `builtinExecutors`
 * and adds its samples below; the suite refuses an executor that has none.
 */
import { Ajv } from 'ajv';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import type { TaskContext } from '../../src/engine/executor.js';
import { builtinExecutors } from '../../src/executors/index.js';
import { makeRepo } from '../helpers/git-repo.js';
import { makeContext } from '../helpers/task-context.js';

interface Samples {
  /** An input that succeeds quickly. */
  valid: Record<string, unknown>;
  /** An input that runs until stopped (or finishes at once, for executors that cannot block). */
  longRunning: Record<string, unknown>;
  /** What the task context holds for these samples, beyond the defaults. */
  context?: Partial<TaskContext>;
}

/** The issue-to-PR executors work on a real repository, with a bare origin to push to. */
const repo = makeRepo({ files: { 'README.md': '# sample\n' }, withOrigin: true });
afterAll(() => repo.remove());

const samples: Record<string, Samples> = {
  shell: {
    valid: { run: 'echo hello; echo "greeting=hi" >> "$WEFT_OUTPUT"', env: { UNUSED: 'x' } },
    longRunning: { run: 'sleep 30 & sleep 30; wait' },
  },
  echo: {
    valid: { message: 'hello', count: 3, nested: { ok: true } },
    longRunning: { message: 'hello' },
  },
  approval: {
    valid: { message: 'Ship it?', timeout: '1h' },
    longRunning: { message: 'Ship it?' },
    context: { approval: { approved: true, by: 'ada', at: new Date().toISOString(), comment: 'lgtm' } },
  },
  analyzer: {
    valid: { issue: { title: 'Crash when the config file is empty', body: 'TypeError: x is undefined', labels: ['bug'] }, repo: repo.dir },
    longRunning: { issue: { title: 'Add a --verbose flag' } },
  },
  resolver: {
    valid: { repo: repo.dir, issue: { number: 1, title: 'Say more' }, strategy: 'command', command: 'echo more >> README.md', verify: 'true' },
    longRunning: { repo: repo.dir, issue: { number: 2, title: 'Take long' }, strategy: 'command', command: 'sleep 30' },
  },
  reviewer: {
    valid: { worktree: repo.dir, base: 'HEAD', checks: ['true'] },
    longRunning: { worktree: repo.dir, base: 'HEAD', checks: ['sleep 30'] },
  },
  'pr-generator': {
    valid: { repo: repo.dir, branch: 'main', base: 'main', outputDir: join(repo.dir, '..', 'pull-requests') },
    longRunning: { repo: repo.dir, branch: 'main', base: 'main', outputDir: join(repo.dir, '..', 'pull-requests') },
  },
};

/** Well beyond any kill grace a test uses; a bound on hanging, not a speed target. */
const STOP_BOUND_MS = 4000;

const ajv = new Ajv({ strict: true, allErrors: true });

const cases = builtinExecutors.map((executor) => [executor.name, executor] as const);

describe.each(cases)('executor %s', (name, executor) => {
  const sample = samples[name];

  it('has samples in this suite', () => {
    expect(sample, `add samples for "${name}" to test/executors/contract.test.ts`).toBeDefined();
  });

  it('has a lowercase name and a description', () => {
    expect(executor.name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(executor.description?.trim()).toBeTruthy();
  });

  it('has input and output schemas that compile in strict mode', () => {
    expect(executor.inputSchema).toBeDefined();
    expect(executor.outputSchema).toBeDefined();
    ajv.compile(executor.inputSchema ?? {});
    ajv.compile(executor.outputSchema ?? {});
  });

  it('accepts its samples and gives output that matches its output schema', async () => {
    const validInput = ajv.compile(executor.inputSchema ?? {});
    const validOutput = ajv.compile(executor.outputSchema ?? {});
    expect(validInput(sample?.valid), ajv.errorsText(validInput.errors)).toBe(true);
    expect(validInput(sample?.longRunning), ajv.errorsText(validInput.errors)).toBe(true);
    const output = await executor.execute(sample?.valid, makeContext(sample?.context));
    expect(validOutput(output), ajv.errorsText(validOutput.errors)).toBe(true);
  });

  it('rejects an input that is not an object', () => {
    const validInput = ajv.compile(executor.inputSchema ?? {});
    expect(validInput('not an object')).toBe(false);
  });

  it('stops promptly when its signal is aborted mid-execute, with the reason if it fails', async () => {
    const ctx = makeContext(sample?.context);
    const reason = new TaskError('TIMEOUT', 'timed out');
    const settled = Promise.resolve()
      .then(() => executor.execute(sample?.longRunning, ctx))
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    await delay(200);
    ctx.controller.abort(reason);
    const outcome = await Promise.race([settled, delay(STOP_BOUND_MS).then(() => 'still running')]);
    expect(outcome).not.toBe('still running');
    if (outcome !== 'resolved') expect(outcome).toBe(reason);
  });
});
