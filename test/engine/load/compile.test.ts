import { describe, expect, it } from 'vitest';
import { issueOf, issuesOf, load, yaml } from './helpers.js';
import type { ExpressionContext } from '../../../src/engine/types.js';

const context = (extra: Partial<ExpressionContext> = {}): ExpressionContext => ({
  inputs: { repo: 'weft', items: ['x', 'y'] },
  env: {},
  tasks: {},
  run: { id: 'r1' },
  workflow: { name: 'w' },
  ...extra,
});

describe('compiling tasks', () => {
  it('merges defaults, env and retry field by field, with durations in ms', () => {
    const wf = load(
      yaml(
        'name: x',
        'env: { A: one, N: 2, B: true }',
        'defaults:',
        '  retry: { maxAttempts: 3, delay: 1s, maxDelay: 1m }',
        '  timeout: 10m',
        'tasks:',
        '  plain: { uses: echo }',
        '  own:',
        '    uses: echo',
        '    env: { A: two, C: "${{ inputs.repo }}" }',
        '    retry: { maxAttempts: 5, delay: 1.5s, backoff: exponential }',
        '    timeout: 30s',
        'inputs: { repo: { type: string } }',
      ),
    );
    const [plain, own] = wf.tasks;
    expect(plain).toMatchObject({ retry: { maxAttempts: 3, delay: 1000, maxDelay: 60_000 }, timeoutMs: 600_000, priority: 0, trigger: 'all_success', continueOnError: false });
    expect(plain!.env.isStatic).toBe(true);
    expect(plain!.env.evaluate(context())).toEqual({ A: 'one', N: '2', B: 'true' });
    expect(own).toMatchObject({ retry: { maxAttempts: 5, delay: 1500, maxDelay: 60_000, backoff: 'exponential' }, timeoutMs: 30_000 });
    expect(own!.env.evaluate(context())).toEqual({ A: 'two', N: '2', B: 'true', C: 'weft' });
  });

  it('leaves timeoutMs unset when nothing sets a timeout', () => {
    const wf = load(yaml('name: x', 'tasks: { a: { uses: echo } }'));
    expect(wf.tasks[0]!.timeoutMs).toBeUndefined();
    expect(wf.tasks[0]!.retry).toEqual({});
  });

  it('expands `run` into `uses: shell` with `with.run`, keeping other `with` keys', () => {
    const wf = load(yaml('name: x', 'tasks:', '  a: { run: make, with: { shell: bash } }', '  b: { uses: shell, run: make test }'));
    expect(wf.tasks.map((task) => [task.uses, task.with.evaluate(context())])).toEqual([
      ['shell', { shell: 'bash', run: 'make' }],
      ['shell', { run: 'make test' }],
    ]);
  });

  it('rejects `run` with another executor, and a script given twice', () => {
    const issues = issuesOf(yaml('name: x', 'tasks:', '  a: { uses: echo, run: make }', '  b: { run: make, with: { run: other } }'));
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['tasks.a.run', 'task `a` has both `run` and `uses: echo`; `run` is short for `uses: shell`, so drop one of them'],
      ['tasks.b.with.run', 'task `b` gives its script twice, as `run` and as `with.run`; keep one'],
    ]);
  });

  it('rewrites expressions in script inputs into WEFT_EXPR variables', () => {
    const wf = load(yaml('name: x', 'inputs: { repo: { type: string } }', 'tasks:', '  a: { run: "gh issue view ${{ inputs.repo }}" }'));
    const [task] = wf.tasks;
    expect(task!.with.evaluate(context())).toEqual({ run: 'gh issue view "${WEFT_EXPR_0}"' });
    expect(task!.exprEnv.WEFT_EXPR_0!.evaluate(context())).toBe('weft');
  });

  it('reports an unknown executor with a suggestion and the available ones', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a:', '    uses: shel'));
    expect(issue).toMatchObject({ line: 4, column: 11, path: 'tasks.a.uses' });
    expect(issue.message).toBe('unknown executor `shel` in task `a`; did you mean `shell`? (available: `shell`, `echo` and `http`)');
  });

  it('records where each task is, and its order', () => {
    const wf = load(yaml('name: x', 'tasks:', '  first: { uses: echo }', '  second:', '    uses: echo'), { file: 'flow.yaml' });
    expect(wf.tasks.map((task) => [task.order, task.location])).toEqual([
      [0, { file: 'flow.yaml', line: 3, column: 3, path: 'tasks.first' }],
      [1, { file: 'flow.yaml', line: 4, column: 3, path: 'tasks.second' }],
    ]);
  });
});

describe('needs', () => {
  it('accepts one id or a list', () => {
    const wf = load(yaml('name: x', 'tasks:', '  a: { uses: echo }', '  b: { uses: echo, needs: a }', '  c: { uses: echo, needs: [a, b] }'));
    expect(wf.tasks.map((task) => task.needs)).toEqual([[], ['a'], ['a', 'b']]);
  });

  it('reports an unknown task with a suggestion, and a task needing itself', () => {
    const issues = issuesOf(yaml('name: x', 'tasks:', '  build: { uses: echo }', '  test: { uses: echo, needs: [buidl, test] }'));
    expect(issues.map((issue) => [issue.path, issue.column, issue.message])).toEqual([
      ['tasks.test.needs[0]', 31, 'task `test` needs `buidl`, which is not a task; did you mean `build`?'],
      ['tasks.test.needs[1]', 38, 'task `test` needs itself; remove `test` from its `needs`'],
    ]);
  });

  it('names the whole cycle', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a: { uses: echo, needs: [c] }', '  b: { uses: echo, needs: a }', '  c: { uses: echo, needs: [x0, b] }', '  x0: { uses: echo }'));
    expect(issue).toMatchObject({ path: 'tasks.a.needs[0]', line: 3 });
    expect(issue.message).toBe('tasks depend on each other in a cycle: a → c → b → a (each needs the next); remove one of these needs');
  });
});

describe('expressions in tasks', () => {
  it('makes `if` braces optional and checks what it reads', () => {
    const wf = load(
      yaml('name: x', 'tasks:', '  a: { uses: echo }', "  b: { uses: echo, needs: a, if: \"tasks.a.status == 'succeeded'\" }", '  c: { uses: echo, needs: a, if: "${{ false }}" }', '  d: { uses: echo, if: false }'),
    );
    const [, b, c, d] = wf.tasks;
    expect(b!.if!.taskRefs).toEqual(['a']);
    expect(b!.if!.evaluate(context({ tasks: { a: { status: 'succeeded', outputs: null } } }))).toBe(true);
    expect(c!.if!.evaluate(context())).toBe(false);
    expect(d!.if!.isStatic).toBe(true);
    expect(wf.tasks[0]!.if).toBeUndefined();
  });

  it('rejects an `if` with text outside its expression', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a: { uses: echo, if: "${{ true }} && ${{ false }}" }'));
    expect(issue.message).toMatch(/^`if` must be a single expression/);
  });

  it('positions a syntax error inside the expression', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a:', '    uses: echo', "    if: inputs.a = 'b'"));
    expect(issue).toMatchObject({ line: 5, column: 18, path: 'tasks.a.if' });
    const inWith = issueOf(yaml('name: x', 'tasks:', '  a:', '    uses: echo', '    with:', '      msg: "hello ${{ toJSON( }}"'));
    expect(inWith).toMatchObject({ line: 6, column: 29, path: 'tasks.a.with.msg' });
  });

  it('reports an unterminated `${{` where it opens', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a:', '    run: echo ${{ inputs.x'));
    expect(issue).toMatchObject({ line: 4, column: 15, message: '`${{` is never closed: add `}}` after the expression' });
  });

  it('checks reads of inputs, tasks, item and index, pointing at each', () => {
    const issues = issuesOf(
      yaml(
        'name: x',
        'inputs: { repo: { type: string } }',
        'tasks:',
        '  build: { uses: echo }',
        '  deploy:',
        '    uses: echo',
        '    with: { a: "${{ inputs.rpeo }}", b: "${{ tasks.biuld.outputs }}", c: "${{ item }}", d: "${{ toJSON(tasks) }}" }',
      ),
    );
    expect(issues.map((issue) => [issue.column, issue.message])).toEqual([
      [28, 'unknown input `rpeo` read in task `deploy`; did you mean `repo`? (declared inputs: repo)'],
      [52, 'unknown task `biuld` read in task `deploy`; did you mean `build`?'],
      [79, '`item` is only defined in a task with `forEach`, and not inside `forEach` itself (read in task `deploy`)'],
      [104, '`tasks` must be followed by a task id, as in `tasks.build.outputs` (in task `deploy`)'],
    ]);
  });

  it('requires a task to need every task it reads, directly or through others', () => {
    const wf = load(yaml('name: x', 'tasks:', '  a: { uses: echo }', '  b: { uses: echo, needs: a }', '  c: { uses: echo, needs: b, with: { v: "${{ tasks.a.outputs }}" } }'));
    expect(wf.tasks[2]!.with.taskRefs).toEqual(['a']);

    const issue = issueOf(yaml('name: x', 'tasks:', '  a: { uses: echo }', '  b: { uses: echo }', '  c: { uses: echo, needs: b, if: "tasks.a.outputs" }'));
    expect(issue).toMatchObject({ path: 'tasks.c.if', line: 5, column: 41 });
    expect(issue.message).toBe('task `c` reads tasks.a but does not need it; add a to its `needs`');
  });

  it('matches task ids in expressions without regard to case, and rejects ids that differ only in case', () => {
    const wf = load(yaml('name: x', 'tasks:', '  Build: { uses: echo }', '  c: { uses: echo, needs: Build, with: { v: "${{ tasks.build.outputs }}" } }'));
    expect(wf.tasks[1]!.with.taskRefs).toEqual(['Build']);
    const issue = issueOf(yaml('name: x', 'tasks:', '  build: { uses: echo }', '  Build: { uses: echo }'));
    expect(issue.message).toMatch(/`build` and `Build` differ only in case/);
  });

  it('lets workflow outputs read any task, but not the shared env', () => {
    const wf = load(yaml('name: x', 'tasks: { a: { uses: echo }, b: { uses: echo } }', 'outputs: { all: "${{ tasks.a.outputs }}-${{ tasks.b.status }}" }'));
    expect([...wf.outputs.taskRefs].sort()).toEqual(['a', 'b']);
    const issue = issueOf(yaml('name: x', 'env: { V: "${{ tasks.a.outputs }}" }', 'tasks: { a: { uses: echo } }'));
    expect(issue.message).toMatch(/^the workflow `env` cannot read `tasks`/);
  });
});

describe('forEach', () => {
  it('accepts a list or one expression, and gives item and index to the task', () => {
    const wf = load(
      yaml(
        'name: x',
        'inputs: { items: { type: array } }',
        'tasks:',
        '  a: { uses: echo, forEach: [1, 2], with: { v: "${{ item }}-${{ index }}" } }',
        '  b: { uses: echo, forEach: "${{ inputs.items }}" }',
      ),
    );
    const [a, b] = wf.tasks;
    expect(a!.forEach!.evaluate(context())).toEqual([1, 2]);
    expect(a!.with.evaluate(context({ item: 2, index: 1 }))).toEqual({ v: '2-1' });
    expect(b!.forEach!.evaluate(context())).toEqual(['x', 'y']);
    expect(() => b!.forEach!.evaluate(context({ inputs: { items: 'nope' } }))).toThrow(/must give a list/);
  });

  it('rejects text that is not one expression, and item inside forEach itself', () => {
    const issues = issuesOf(yaml('name: x', 'tasks:', '  a: { uses: echo, forEach: "a, b" }', '  b: { uses: echo, forEach: "${{ item }}" }'));
    expect(issues.map((issue) => issue.message)).toEqual([
      '`forEach` of task `a` must be a list or one `${{ }}` expression giving a list, got text',
      '`item` is only defined in a task with `forEach`, and not inside `forEach` itself (read in task `b`)',
    ]);
  });
});

describe('resources', () => {
  it('checks requests against workflow, engine and built-in pools', () => {
    const text = yaml(
      'name: x',
      'resources: { gpu: 2 }',
      'tasks:',
      '  a: { uses: echo, resources: { gpu: 2, llm: 1, cpu: 1 } }',
      '  b: { uses: echo, resources: { gpu: 3, gpus: 1, memory: 999999999 } }',
    );
    const issues = issuesOf(text, { resources: { llm: 4 } });
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['tasks.b.resources.gpu', 'task `b` requests 3 `gpu` but the pool holds only 2, so it could never run'],
      ['tasks.b.resources.gpus', expect.stringMatching(/^task `b` requests unknown resource `gpus`; did you mean `gpu`\? Known pools: `cpu`, `memory`, `llm` and `gpu`/)],
      ['tasks.b.resources.memory', expect.stringMatching(/^task `b` requests 999999999 `memory` but the pool holds only \d+/)],
    ]);
  });

  it('keeps the workflow pools and each request', () => {
    const wf = load(yaml('name: x', 'resources: { gpu: 2 }', 'tasks: { a: { uses: echo, resources: { gpu: 1 } } }'));
    expect(wf.resources).toEqual({ gpu: 2 });
    expect(wf.tasks[0]!.resources).toEqual({ gpu: 1 });
  });
});

describe('the workflow', () => {
  it('computes the critical path from estimates', () => {
    const text = yaml('name: x', 'tasks:', '  a: { uses: echo }', '  b: { uses: echo, needs: a }', '  c: { uses: echo, needs: a }', '  d: { uses: echo, needs: [b, c] }');
    expect(load(text).criticalPath).toEqual([3, 2, 2, 1]);
    const estimates: Record<string, number> = { a: 10, b: 5, c: 20 };
    expect(load(text, { estimates: (id) => estimates[id] }).criticalPath).toEqual([31, 6, 21, 1]);
  });

  it('reports a run timeout that is too long', () => {
    const issue = issueOf(yaml('name: x', 'timeout: 1000h', 'tasks: { a: { uses: echo } }'));
    expect(issue).toMatchObject({ path: 'timeout', message: expect.stringMatching(/too long/) });
  });

  it('reports a bad default duration once, not once per task', () => {
    const issues = issuesOf(yaml('name: x', 'defaults: { retry: { delay: 900h } }', 'tasks: { a: { uses: echo }, b: { uses: echo } }'));
    expect(issues.map((issue) => issue.path)).toEqual(['defaults.retry.delay']);
  });
});
