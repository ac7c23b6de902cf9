import { describe, expect, it } from 'vitest';
import { workflowSchema } from '../../../src/engine/load/validate.js';
import { issueOf, issuesOf, yaml } from './helpers.js';

describe('schema violations', () => {
  it('names an unknown key and suggests the closest allowed one', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  build:', '    uses: echo', '    neeeds: [a]'));
    expect(issue).toEqual({
      file: 'test.yaml',
      line: 5,
      column: 5,
      path: 'tasks.build.neeeds',
      message: 'unknown key `neeeds` in task `build`; did you mean `needs`?',
    });
  });

  it('lists the allowed keys when no key is close', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a:', '    uses: echo', '    retry: { attempts: 3 }'));
    expect(issue.path).toBe('tasks.a.retry.attempts');
    expect(issue.message).toBe(
      'unknown key `attempts` in `retry` in task `a`; allowed keys: `maxAttempts`, `backoff`, `delay`, `factor`, `maxDelay`, `jitter`, `retryOn` and `abortOn`',
    );
  });

  it('reports unknown top-level keys', () => {
    const issue = issueOf(yaml('name: x', 'taks: {}', 'tasks: { a: { run: x } }'));
    expect(issue).toMatchObject({ line: 2, column: 1, message: 'unknown key `taks` in the workflow; did you mean `tasks`?' });
  });

  it('says what type was expected and what was found', () => {
    const issues = issuesOf(yaml('name: [x]', 'concurrency: lots', 'tasks:', '  a: { uses: echo, needs: 5, continueOnError: "yes" }'));
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['name', '`name` must be text, got a list'],
      ['concurrency', '`concurrency` must be a whole number, got `lots`'],
      ['tasks.a.needs', '`needs` in task `a` must be text or a list, got `5`'],
      ['tasks.a.continueOnError', '`continueOnError` in task `a` must be `true` or `false`, got `yes`'],
    ]);
  });

  it('lists allowed values for an enum, with a suggestion', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a: { uses: echo, trigger: all_sucess }'));
    expect(issue.message).toMatch(/^`trigger` in task `a` must be one of `all_success`, `all_failed`, .* and `always` \(did you mean `all_success`\?\), got `all_sucess`$/);
    expect(issue).toMatchObject({ line: 3, column: 29 });
  });

  it('reports a bad duration once, in words', () => {
    const issue = issueOf(yaml('name: x', 'defaults: { timeout: 10 minutes }', 'tasks: { a: { run: x } }'));
    expect(issue).toMatchObject({ path: 'defaults.timeout', line: 2, column: 22 });
    expect(issue.message).toBe('`defaults.timeout` must be a duration such as `150ms`, `2s`, `1.5m`, `1h` or a number of milliseconds, got `10 minutes`');
  });

  it('requires name and tasks, and a task needs `uses` or `run`', () => {
    const issues = issuesOf(yaml('description: nothing here'));
    expect(issues.map((issue) => issue.message)).toEqual([
      'the workflow is missing the required key `name`',
      'the workflow is missing the required key `tasks`',
    ]);
    const task = issueOf(yaml('name: x', 'tasks:', '  a: { with: { v: 1 } }'));
    expect(task).toMatchObject({ path: 'tasks.a', message: 'task `a` needs `uses` or `run`' });
  });

  it('requires at least one task', () => {
    expect(issueOf(yaml('name: x', 'tasks: {}')).message).toBe('`tasks` must hold at least one task, got a mapping');
  });

  it('checks task ids against the id pattern, at the key', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  ok: { run: x }', '  "bad id": { run: x }'));
    expect(issue).toMatchObject({ line: 4, column: 3, path: 'tasks["bad id"]' });
    expect(issue.message).toMatch(/^invalid task id `bad id`: use letters, digits/);
  });

  it('checks numbers against their bounds', () => {
    const issues = issuesOf(
      yaml('name: x', 'concurrency: 0', 'resources: { gpu: 0 }', 'tasks:', '  a: { uses: echo, retry: { maxAttempts: 0 }, priority: 1.5 }'),
    );
    expect(issues.map((issue) => issue.message)).toEqual([
      '`concurrency` must be at least 1, got `0`',
      '`resources.gpu` must be at least 1, got `0`',
      '`retry.maxAttempts` in task `a` must be at least 1, got `0`',
      '`priority` in task `a` must be a whole number, got `1.5`',
    ]);
  });

  it('reports a repeated need once', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a: { run: x }', '  b: { run: y, needs: [a, a] }'));
    expect(issue).toMatchObject({ path: 'tasks.b.needs[1]', message: '`needs` in task `b` lists `a` more than once' });
  });

  it('points at the repeat, not the first mention, whatever lies between', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a: { run: x }', '  c: { run: x }', '  b: { run: y, needs: [a, c, d, c] }', '  d: { run: z }'));
    expect(issue).toMatchObject({ path: 'tasks.b.needs[3]', message: '`needs` in task `b` lists `c` more than once' });
  });

  // ajv checks \`uniqueItems\` with one pass over a map when the items' own schema declares a
  // scalar \`type\`, and compares every pair otherwise: 46 s for the sink of a 100,000-task fan-in.
  it('checks lists for repeats in one pass: every `uniqueItems` list declares a scalar item type', () => {
    const pairwise: string[] = [];
    const visit = (part: unknown, where: string): void => {
      if (part === null || typeof part !== 'object') return;
      const node = part as Record<string, unknown>;
      if (node.uniqueItems === true) {
        const types = [(node.items as { type?: string | string[] } | undefined)?.type ?? []].flat();
        if (types.length === 0 || types.some((type) => type === 'object' || type === 'array')) pairwise.push(where);
      }
      for (const [key, child] of Object.entries(node)) visit(child, `${where}/${key}`);
    };
    visit(workflowSchema(), '#');
    expect(pairwise).toEqual([]);
  });

  it('reports every problem at once, in file order, and still checks what is valid', () => {
    const issues = issuesOf(
      yaml(
        'name: x',
        'tasks:',
        '  a:',
        '    uses: echo',
        '    neeeds: [b]',
        '    timeout: soon',
        '  b:',
        '    uses: ecko',
        '    needs: [c]',
        '  c: 7',
      ),
    );
    expect(issues.map((issue) => `${issue.line}:${issue.path}`)).toEqual([
      '5:tasks.a.neeeds',
      '6:tasks.a.timeout',
      '8:tasks.b.uses',
      '10:tasks.c',
    ]);
  });
});
