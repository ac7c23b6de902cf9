/**
 * Names that are not names: task ids that look like paths, JavaScript's object
 * machinery (`__proto__`, `constructor`, `prototype`) as keys anywhere, ids 5,000
 * characters long, control characters. Each is refused with a clear, printable
 * message, or kept as plain data; `Object.prototype` is never touched.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { contextData } from '../../src/engine/load/expression-data.js';
import { parseExpression } from '../../src/engine/load/expressions.js';
import { issueOf, issuesOf, load } from '../engine/load/helpers.js';
import { runWorkflow, tempDir, yaml } from './helpers.js';

const temp = tempDir('keys');
afterAll(() => temp.remove());

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  // Nothing may have been added to, or changed on, every object's prototype.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('task ids', () => {
  it.each(['../x', 'a/b', '/etc/passwd', 'a b', '-x', '1st'])('refuses `%s`, pointing at the id', (id) => {
    const issue = issueOf(yaml('name: x', 'tasks:', `  ${JSON.stringify(id)}: { uses: echo }`));
    expect(issue).toMatchObject({ line: 3, column: 3, message: `invalid task id \`${id}\`: use letters, digits, \`_\` and \`-\`, starting with a letter or \`_\`` });
  });

  it.each(['__proto__', 'constructor', 'prototype', 'Constructor'])('refuses `%s` as a task id', (id) => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  ok: { uses: echo }', `  ${id}: { uses: echo }`));
    expect(issue).toMatchObject({ line: 4, column: 3, path: `tasks.${id}` });
    expect(issue.message).toBe(`\`${id}\` cannot be used as a task id: it names part of JavaScript's object machinery, and weft stores names as object keys; choose another name`);
  });

  it.each([101, 5000])('refuses a %i-character id, quoting only its start', (length) => {
    const id = 'a'.repeat(length);
    // An explicit key (`? `), because YAML caps implicit keys at 1,024 characters.
    const issue = issueOf(yaml('name: x', 'tasks:', `  ? ${id}`, '  : { uses: echo }'));
    expect(issue.message).toBe(`a task id \`${'a'.repeat(40)}…\` is ${length} characters long; the limit is 100`);
    expect([issue.line, issue.column]).toEqual([3, 5]);
  });

  it('accepts a 100-character id', () => {
    expect(load(yaml('name: x', 'tasks:', `  ${'a'.repeat(100)}: { uses: echo }`)).tasks[0]!.id).toHaveLength(100);
  });

  it('shows control characters and bidi overrides in an id as escapes, never raw', () => {
    const issues = issuesOf(yaml('name: x', 'tasks:', '  "a\\e[2Jb": { uses: echo }', '  "c\\rd": { uses: echo }', '  "e\\u202Ef": { uses: echo }'));
    expect(issues.map((issue) => issue.message.slice(0, 28))).toEqual(['invalid task id `a\\u001b[2Jb', 'invalid task id `c\\u000dd`: ', 'invalid task id `e\\u202ef`: ']);
    for (const issue of issues) expect(issue.message + issue.path).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('shows an unknown key with control characters escaped', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  t: { uses: echo, "\\e]0;owned\\a": 1 }'));
    expect(issue.message).toMatch(/^unknown key `\\u001b]0;owned\\u0007` in task `t`/);
  });
});

describe('names that are object keys', () => {
  it.each([
    ['inputs', yaml('name: x', 'inputs:', '  __proto__: { type: string }', 'tasks: { t: { uses: echo } }'), 'an input name'],
    ['workflow env', yaml('name: x', 'env:', '  constructor: x', 'tasks: { t: { uses: echo } }'), 'an environment variable name'],
    ['task env', yaml('name: x', 'tasks:', '  t:', '    uses: echo', '    env: { prototype: x }'), 'an environment variable name'],
    ['resources', yaml('name: x', 'resources:', '  __proto__: 1', 'tasks: { t: { uses: echo } }'), 'a resource pool name'],
  ])('refuses a reserved name in %s', (_, text, what) => {
    expect(issueOf(text).message).toMatch(new RegExp(`^\`(__proto__|constructor|prototype)\` cannot be used as ${what}:`));
  });

  it('refuses `__proto__` in `defaults` as an unknown key', () => {
    expect(issueOf(yaml('name: x', 'defaults:', '  __proto__: { retry: { maxAttempts: 9 } }', 'tasks: { t: { uses: echo } }')).message).toMatch(
      /^unknown key `__proto__` in `defaults`/,
    );
  });

  it('keeps `__proto__`, `constructor` and `prototype` in `with` and `outputs` as plain data through a whole run', async () => {
    const text = yaml(
      'name: keys',
      'tasks:',
      '  a:',
      '    uses: echo',
      '    with:',
      '      __proto__: { polluted: from-with }',
      '      constructor: { prototype: { polluted: from-constructor } }',
      '      nested: [{ __proto__: { polluted: deep } }]',
      '  b:',
      '    needs: a',
      '    uses: echo',
      '    with:',
      '      seen: ${{ tasks.a.outputs.constructor.prototype.polluted }}',
      "      proto: ${{ tasks.a.outputs['__proto__'].polluted }}",
      '      json: ${{ toJSON(tasks.a.outputs.nested) }}',
      'outputs:',
      '  __proto__: { polluted: from-outputs }',
      '  b: ${{ tasks.b.outputs }}',
    );
    const result = await runWorkflow(text, temp.dir);
    expect(result.status).toBe('succeeded');
    const a = result.tasks.a!.outputs as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.hasOwn(a, '__proto__')).toBe(true);
    expect(a['__proto__']).toEqual({ polluted: 'from-with' });
    expect(result.tasks.b!.outputs).toEqual({
      seen: 'from-constructor',
      proto: 'from-with',
      json: JSON.stringify([JSON.parse('{"__proto__":{"polluted":"deep"}}')], null, 2),
    });
    expect(Object.hasOwn(result.outputs, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result.outputs)).toBe(Object.prototype);
  });

  it('never finds Object.prototype members through an expression', () => {
    const contexts = contextData({ inputs: { o: { a: 1 } }, env: {}, tasks: {}, run: { id: 'r' }, workflow: { name: 'w' } }, []);
    for (const source of ['inputs.o.constructor', "inputs.o['__proto__']", 'inputs.o.hasOwnProperty', 'inputs.constructor.constructor', 'inputs.o.toString']) {
      expect(parseExpression(source).evaluate(contexts)).toBeNull();
    }
  });

  it('reads data keys named `constructor` and `__proto__` like any other key', () => {
    const o = JSON.parse('{"__proto__": "p", "constructor": "c"}') as unknown;
    const contexts = contextData({ inputs: { o }, env: {}, tasks: {}, run: { id: 'r' }, workflow: { name: 'w' } }, []);
    expect(parseExpression('inputs.o.constructor').evaluate(contexts)).toBe('c');
    expect(parseExpression("inputs.o['__proto__']").evaluate(contexts)).toBe('p');
    expect(parseExpression('toJSON(inputs.o)').evaluate(contexts)).toBe('{\n  "__proto__": "p",\n  "constructor": "c"\n}');
  });

  it('loads `with` keys named like object machinery without changing them', () => {
    const wf = load(yaml('name: x', 'tasks:', '  t: { uses: echo, with: { __proto__: 1, constructor: 2, prototype: 3 } }'));
    const value = wf.tasks[0]!.with.evaluate({} as never);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'prototype']);
  });
});
