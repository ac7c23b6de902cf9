/**
 * Scalars YAML reads in surprising ways: `1.10` is the number 1.1, `0777` is 777,
 * `1e309` and `.inf` are infinite, and a delay of 2^31 ms or more would fire at once
 * in `setTimeout`. Each is kept as written, refused with a message that says what
 * YAML did, or accepted exactly as documented.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_DURATION_MS } from '../../src/engine/load/index.js';
import { issueOf, load } from '../engine/load/helpers.js';
import { runWorkflow, tempDir, yaml } from './helpers.js';

const temp = tempDir('scalars');
afterAll(() => temp.remove());

const withTask = (...lines: string[]) => yaml('name: x', 'tasks:', '  t:', '    uses: echo', ...lines.map((line) => `    ${line}`));

describe('text that YAML reads as a number', () => {
  it('says why `name: 1.10` is not text, and how to keep it', () => {
    const issue = issueOf(yaml('name: 1.10', 'tasks: { t: { uses: echo } }'));
    expect(issue).toMatchObject({ line: 1, column: 7 });
    expect(issue.message).toBe('`name` must be text, got `1.1` (YAML read the unquoted value as a number or boolean; put it in quotes to keep it as written)');
  });

  it('gives environment variables the text as written: 1.10, 0777, 1e309, 0x1F, True', async () => {
    const text = yaml(
      'name: env-text',
      'env:',
      '  VERSION: 1.10',
      '  MODE: 0777',
      '  HUGE: 1e309',
      '  HEX: 0x1F',
      'tasks:',
      '  t:',
      '    env: { FLAG: True, PLAIN: 42 }',
      '    run: printf "%s|" "$VERSION" "$MODE" "$HUGE" "$HEX" "$FLAG" "$PLAIN"',
    );
    const result = await runWorkflow(text, temp.dir);
    expect(result.tasks.t!.outputs).toMatchObject({ stdout: '1.10|0777|1e309|0x1F|True|42|' });
  });

  it('gives `with.env` of a shell task the text as written', async () => {
    const text = yaml('name: x', 'tasks:', '  t:', '    uses: shell', '    with:', '      run: printf "%s" "$V"', '      env: { V: 1.50 }');
    expect((await runWorkflow(text, temp.dir)).tasks.t!.outputs).toMatchObject({ stdout: '1.50' });
  });

  it('reads `0777` as the decimal 777 where a number is expected (YAML 1.2), as documented', () => {
    expect(load(withTask('timeout: 0777')).tasks[0]!.timeoutMs).toBe(777);
    expect(load(withTask('timeout: 0o777')).tasks[0]!.timeoutMs).toBe(0o777);
  });
});

describe('numbers that are not numbers', () => {
  it.each([
    ['timeout: .inf', 'timeout'],
    ['timeout: 1e309', 'timeout'],
    ['retry: { maxAttempts: 2, delay: -.inf }', 'retry.delay'],
    ['retry: { maxAttempts: .inf }', 'retry.maxAttempts'],
    ['priority: 1e400', 'priority'],
  ])('refuses `%s`, naming infinity rather than JavaScript\'s `Infinity`', (line, field) => {
    const issue = issueOf(withTask(line));
    expect(issue.path).toBe(`tasks.t.${field}`);
    expect(issue.message).toMatch(/got an infinite number \(`\.inf`, or one too large to hold, such as `1e309`\)$/);
    expect(issue.line).toBe(5);
  });

  it('refuses `.nan` as a timeout', () => {
    expect(issueOf(withTask('timeout: .nan')).message).toBe('`timeout` in task `t` must be text or a number, got `.nan` (not a number)');
  });

  it.each([
    ['maxAttempts: -1', 'must be at least 1, got `-1`'],
    ['maxAttempts: 0', 'must be at least 1, got `0`'],
    ['maxAttempts: 1.5', 'must be a whole number, got `1.5`'],
    ['maxAttempts: 2, factor: -2', 'must be greater than 0, got `-2`'],
  ])('refuses `retry: { %s }`', (retry, message) => {
    expect(issueOf(withTask(`retry: { ${retry} }`)).message).toContain(message);
  });
});

describe('durations setTimeout would clamp', () => {
  it.each([
    ['timeout: 2147483648', 'timeout'],
    ['timeout: 25d', 'timeout'],
    ['timeout: 597h', 'timeout'],
    ['retry: { maxAttempts: 2, delay: 2147483647 }', 'retry.delay'],
    ['retry: { maxAttempts: 2, maxDelay: 600h }', 'retry.maxDelay'],
  ])('refuses `%s`', (line, field) => {
    const issue = issueOf(withTask(line));
    expect(issue.path).toBe(`tasks.t.${field}`);
    expect(issue.message).toMatch(/too long: the longest allowed is 2147483646 ms|must be a duration such as/);
  });

  it('accepts the longest duration that still waits', () => {
    expect(load(withTask(`timeout: ${MAX_DURATION_MS}`)).tasks[0]!.timeoutMs).toBe(MAX_DURATION_MS);
    expect(load(withTask('timeout: 596h')).tasks[0]!.timeoutMs).toBe(596 * 3_600_000);
  });

  it('refuses a workflow timeout and a default timeout of 2^31 ms too', () => {
    expect(issueOf(yaml('name: x', 'timeout: 2147483648', 'tasks: { t: { uses: echo } }')).path).toBe('timeout');
    expect(issueOf(yaml('name: x', 'defaults: { timeout: 600h }', 'tasks: { t: { uses: echo } }')).path).toBe('defaults.timeout');
  });
});
