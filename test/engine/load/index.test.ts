import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WorkflowValidationError } from '../../../src/engine/errors.js';
import { loadWorkflow } from '../../../src/engine/load/index.js';
import { executors, issuesOf, load } from './helpers.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('loadWorkflow', () => {
  it('compiles the full example workflow', () => {
    const wf = loadWorkflow(fixture('release-notes.yaml'), { executors, file: 'release-notes.yaml' });
    expect(wf).toMatchObject({
      name: 'release-notes',
      description: 'Collects merged pull requests and writes release notes.',
      file: 'release-notes.yaml',
      inputs: { repo: { type: 'string', required: true }, items: { type: 'array', required: false, default: ['a', 'b'] } },
      concurrency: 4,
      resources: { gpu: 1, llm: 2 },
      failFast: false,
      timeoutMs: 3_600_000,
      criticalPath: [3, 2, 1],
    });
    const [fetch, build, notify] = wf.tasks;
    expect(fetch).toMatchObject({ id: 'fetch', uses: 'shell', needs: [], retry: { maxAttempts: 3, delay: 1000 }, timeoutMs: 600_000 });
    expect(build).toMatchObject({ id: 'build', uses: 'echo', needs: ['fetch'], resources: { llm: 1 }, priority: 10 });
    expect(notify).toMatchObject({
      needs: ['build'],
      trigger: 'all_done',
      continueOnError: true,
      timeoutMs: 30_000,
      retry: { maxAttempts: 5, backoff: 'exponential', delay: 200, factor: 2, maxDelay: 30_000, jitter: 'full', retryOn: ['NONZERO_EXIT'] },
    });

    const context = {
      inputs: { repo: 'acme/weft', items: ['a', 'b'] },
      env: {},
      tasks: {
        fetch: { status: 'succeeded' as const, outputs: { prs: 3 } },
        build: { status: 'succeeded' as const, outputs: ['pkg-a', 'pkg-b'] },
      },
      run: { id: 'r1' },
      workflow: { name: 'release-notes' },
    };
    expect(fetch!.with.evaluate(context)).toEqual({ run: './scripts/fetch.sh "${WEFT_EXPR_0}"' });
    expect(fetch!.exprEnv.WEFT_EXPR_0!.evaluate(context)).toBe('acme/weft');
    expect(build!.forEach!.evaluate(context)).toEqual(['a', 'b']);
    expect(build!.with.evaluate({ ...context, item: 'b', index: 1 })).toEqual({ name: 'pkg-b', position: 1, source: { prs: 3 } });
    expect(notify!.if!.evaluate(context)).toBe(true);
    expect(notify!.env.evaluate(context)).toEqual({ LOG_LEVEL: 'debug', RETRIES: '3', A: 'b' });
    expect(wf.outputs.evaluate(context)).toEqual({ names: ['pkg-a', 'pkg-b'], fetched: 'succeeded' });
  });

  it('reports every issue of a broken workflow at once, each placed and explained', () => {
    let error: unknown;
    try {
      loadWorkflow(fixture('many-issues.yaml'), { executors, file: 'many-issues.yaml' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect((error as WorkflowValidationError).format().split('\n')).toEqual([
      'many-issues.yaml:6:32: unknown input `rpeo` read in task `fetch`; did you mean `repo`? (declared inputs: repo) (at tasks.fetch.run)',
      'many-issues.yaml:7:14: `timeout` in task `fetch` must be a duration such as `150ms`, `2s`, `1.5m`, `1h` or a number of milliseconds, got `5 minutes` (at tasks.fetch.timeout)',
      'many-issues.yaml:9:11: unknown executor `ecoh` in task `build`; did you mean `echo`? (available: `shell`, `echo` and `http`) (at tasks.build.uses)',
      'many-issues.yaml:10:5: unknown key `neeeds` in task `build`; did you mean `needs`? (at tasks.build.neeeds)',
      'many-issues.yaml:13:13: task `test` needs `buidl`, which is not a task; did you mean `build`? (at tasks.test.needs[0])',
      'many-issues.yaml:17:31: task `ship` reads tasks.fetch but does not need it; add fetch to its `needs` (at tasks.ship.with.notes)',
    ]);
  });

  it('names the file in messages, `<workflow>` by default', () => {
    try {
      loadWorkflow('name: x\n', { executors });
    } catch (error) {
      expect((error as WorkflowValidationError).issues[0]!.file).toBe('<workflow>');
    }
    expect.assertions(1);
  });

  it('loads a generated 100,000-task chain without overflowing the stack', () => {
    const n = 100_000;
    const lines = ['name: chain', 'tasks:', '  t0: { uses: echo }'];
    for (let i = 1; i < n; i++) lines.push(`  t${i}: { uses: echo, needs: t${i - 1}, with: { v: "\${{ tasks.t${i - 1}.outputs }}" } }`);
    const wf = load(`${lines.join('\n')}\n`);
    expect(wf.tasks).toHaveLength(n);
    expect(wf.criticalPath[0]).toBe(n);
    expect(wf.criticalPath[n - 1]).toBe(1);
    expect(wf.tasks[n - 1]!.with.taskRefs).toEqual([`t${n - 2}`]);
  }, 120_000);

  it('finds a cycle closing a long chain', () => {
    const n = 20_000;
    const lines = ['name: ring', 'tasks:'];
    for (let i = 0; i < n; i++) lines.push(`  t${i}: { uses: echo, needs: t${(i + n - 1) % n} }`);
    const [issue] = issuesOf(`${lines.join('\n')}\n`);
    expect(issue!.message).toMatch(/^tasks depend on each other in a cycle: t0 → t19999 → t19998 → .* → t1 → t0/);
  });
});
