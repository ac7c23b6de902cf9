/**
 * Expressions written to escape: reaching `constructor` or `__proto__`, very long or
 * deeply nested sources, unterminated `${{`, task outputs that hold `${{ }}` hoping
 * to be evaluated again, and values whose truthiness people get wrong.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compileTemplate } from '../../src/engine/load/index.js';
import { issueOf } from '../engine/load/helpers.js';
import { runWorkflow, tempDir, yaml } from './helpers.js';

const temp = tempDir('expressions');
afterAll(() => temp.remove());

const withValue = (value: string) => yaml('name: x', 'inputs: { o: { type: object, default: {} } }', 'tasks:', `  t: { uses: echo, with: { v: "${value}" } }`);
const COLUMN = '  t: { uses: echo, with: { v: "${{ '.length + 1;

describe('reaching into JavaScript', () => {
  it('refuses `constructor.constructor(…)()` at load: `constructor` is no context', () => {
    const issue = issueOf(withValue("${{ constructor.constructor('return process')() }}"));
    expect(issue).toMatchObject({ line: 4, column: COLUMN });
    expect(issue.message).toMatch(/^(unknown context `constructor`|invalid expression)/);
  });

  it('refuses calling anything that is not one of the documented functions', () => {
    expect(issueOf(withValue('${{ inputs.o.constructor(1) }}')).message).toMatch(/^invalid expression/);
    expect(issueOf(withValue("${{ eval('1') }}")).message).toMatch(/^unknown function `eval`/);
  });

  it('refuses reading an input named `constructor` that the workflow does not declare', () => {
    expect(issueOf(withValue("${{ inputs['constructor']['constructor'] }}")).message).toMatch(/^unknown input `constructor`/);
  });

  it('evaluates `__proto__` and `constructor` reads of data to null, never to a function', async () => {
    const text = yaml(
      'name: x',
      'inputs: { o: { type: object, default: {} } }',
      'tasks:',
      '  t:',
      '    uses: echo',
      '    with:',
      "      a: ${{ inputs.o['__proto__'] }}",
      '      b: ${{ inputs.o.constructor }}',
      "      c: ${{ env['constructor']['constructor'] }}",
      '      d: ${{ toJSON(inputs.o.__proto__) }}',
    );
    const result = await runWorkflow(text, temp.dir);
    expect(result.tasks.t!.outputs).toEqual({ a: null, b: null, c: null, d: 'null' });
  });
});

describe('size and shape', () => {
  it('refuses an expression over 21,000 characters, saying what the limit is', () => {
    const issue = issueOf(withValue(`\${{ ${'1 + '.repeat(6000)}1 }}`));
    expect(issue.message).toBe('expression is too long (the limit is 21,000 characters); compute long values in a task and read its output');
    expect([issue.line, issue.column]).toEqual([4, COLUMN]);
  });

  it.each([
    ['parentheses', `${'('.repeat(5000)}1${')'.repeat(5000)}`],
    ['negations', `${'!'.repeat(5000)}true`],
    ['function calls', `${"format('{0}', ".repeat(500)}1${')'.repeat(500)}`],
    ['property reads', `inputs.o${'.a'.repeat(5000)}`],
  ])('refuses deeply nested %s with a located error, without overflowing the stack', (_, source) => {
    const issue = issueOf(withValue(`\${{ ${source} }}`));
    expect(issue.message).toMatch(/^(invalid expression|expression is too long)/);
    expect(issue.line).toBe(4);
  });

  it('refuses an unterminated `${{`, at the `${{`', () => {
    const issue = issueOf(withValue('before ${{ inputs.o'));
    expect(issue).toMatchObject({ line: 4, column: '  t: { uses: echo, with: { v: "before '.length + 1, message: '`${{` is never closed: add `}}` after the expression' });
  });

  it('refuses an empty `${{ }}`', () => {
    expect(issueOf(withValue('${{ }}')).message).toBe('empty expression: write one between `${{` and `}}`');
  });
});

describe('values are data', () => {
  it('never evaluates `${{ }}` that a task output or an input holds', async () => {
    const text = yaml(
      'name: twice',
      'inputs: { title: { type: string } }',
      'tasks:',
      '  a:',
      "    run: printf '%s' '${{ inputs.title }}' && echo \"title=${{ inputs.title }}\" >> \"$WEFT_OUTPUT\"",
      '  b:',
      '    needs: a',
      '    uses: echo',
      '    with:',
      '      stdout: ${{ tasks.a.outputs.stdout }}',
      "      text: 'title: ${{ tasks.a.outputs.title }}'",
      'outputs:',
      '  title: ${{ tasks.b.outputs.text }}',
    );
    const title = "${{ toJSON(inputs) }} ${{ 1 + 1 }} $(touch pwned) ${{ tasks.a.outputs }}";
    const result = await runWorkflow(text, temp.dir, { title });
    expect(result.status).toBe('succeeded');
    expect(result.tasks.b!.outputs).toEqual({ stdout: title, text: `title: ${title}` });
    expect(result.outputs).toEqual({ title: `title: ${title}` });
  });

  it('compiles a template once: evaluating it never parses what the values hold', () => {
    const template = compileTemplate<Record<string, unknown>>({ v: '${{ inputs.x }}' });
    const context = { inputs: { x: '${{ inputs.y }}', y: 'leaked' }, env: {}, tasks: {}, run: { id: 'r' }, workflow: { name: 'w' } };
    expect(template.evaluate(context)).toEqual({ v: '${{ inputs.y }}' });
  });
});

describe('truthiness of `if:`, as docs/workflow-language.md documents it', () => {
  const cases: Array<[string, string, boolean]> = [
    ["'false'", "${{ 'false' }}", true],
    ["'0'", "${{ '0' }}", true],
    ['{}', '${{ fromJSON(\'{}\') }}', true],
    ['[]', "${{ fromJSON('[]') }}", true],
    ['0', '${{ 0 }}', false],
    ['-0', '${{ -0 }}', false],
    ['null', '${{ null }}', false],
    ["''", "${{ '' }}", false],
    ['false', '${{ false }}', false],
    ['a missing property', '${{ inputs.o.missing }}', false],
  ];

  it('runs a task exactly when its condition is truthy', async () => {
    const lines = ['name: truthy', 'inputs: { o: { type: object, default: {} } }', 'tasks:'];
    cases.forEach(([, condition], i) => lines.push(`  t${i}:`, '    uses: echo', `    if: "${condition}"`));
    const result = await runWorkflow(yaml(...lines), temp.dir);
    const ran = cases.map((_, i) => result.tasks[`t${i}`]!.status);
    expect(ran).toEqual(cases.map(([, , truthy]) => (truthy ? 'succeeded' : 'skipped')));
  });
});
