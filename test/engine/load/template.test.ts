import { describe, expect, it } from 'vitest';
import { WeftError } from '../../../src/engine/errors.js';
import { compileTemplate, mergeTemplates } from '../../../src/engine/load/template.js';
import type { ExpressionContext } from '../../../src/engine/types.js';

const context: ExpressionContext = {
  inputs: { count: 3, list: ['a', 'b'], obj: { k: 'v' }, yes: true, none: null, ratio: 0.5 },
  env: {},
  tasks: { fetch: { status: 'succeeded', outputs: { text: 'literal ${{ inputs.count }}' } } },
  run: { id: 'r1' },
  workflow: { name: 'w' },
};

describe('compileTemplate', () => {
  it('keeps the type of a string that is exactly one expression', () => {
    expect(compileTemplate('${{ inputs.count }}').evaluate(context)).toBe(3);
    expect(compileTemplate('  ${{ inputs.list }}').evaluate(context)).toBe('  ["a","b"]');
    expect(compileTemplate('${{ inputs.list }}').evaluate(context)).toEqual(['a', 'b']);
    expect(compileTemplate('${{ inputs.obj }}').evaluate(context)).toEqual({ k: 'v' });
    expect(compileTemplate('${{ inputs.yes }}').evaluate(context)).toBe(true);
    expect(compileTemplate('${{ inputs.none }}').evaluate(context)).toBeNull();
  });

  it('interpolates anything else: null as nothing, objects as JSON', () => {
    const template = compileTemplate(
      'n=${{ inputs.count }} r=${{ inputs.ratio }} l=${{ inputs.list }} o=${{ inputs.obj }} b=${{ inputs.yes }} z=${{ inputs.none }}.',
    );
    expect(template.evaluate(context)).toBe('n=3 r=0.5 l=["a","b"] o={"k":"v"} b=true z=.');
  });

  it('templates nested mappings and lists', () => {
    const template = compileTemplate({ a: ['${{ inputs.count }}', 'x-${{ inputs.yes }}', 7], b: { c: '${{ inputs.obj.k }}' }, d: null });
    expect(template.isStatic).toBe(false);
    expect(template.evaluate(context)).toEqual({ a: [3, 'x-true', 7], b: { c: 'v' }, d: null });
  });

  it('returns a value without expressions as it is', () => {
    const value = { a: [1, 'two', { three: true }] };
    const template = compileTemplate(value);
    expect(template.isStatic).toBe(true);
    expect(template.taskRefs).toEqual([]);
    expect(template.evaluate(context)).toBe(value);
  });

  it('lists the tasks it reads', () => {
    const template = compileTemplate({ a: '${{ tasks.fetch.outputs }}', b: '${{ tasks.build.status }} ${{ tasks.fetch.status }}' });
    expect([...template.taskRefs].sort()).toEqual(['build', 'fetch']);
  });

  it('never evaluates expressions that arrive as data', () => {
    expect(compileTemplate('${{ tasks.fetch.outputs.text }}').evaluate(context)).toBe('literal ${{ inputs.count }}');
  });

  it('does not end an expression at `}}` inside a quoted string', () => {
    expect(compileTemplate("${{ format('{{{0}}}', inputs.count) }}").evaluate(context)).toBe('{3}');
  });

  it('turns every leaf into text when asked to (environment variables)', () => {
    const template = compileTemplate({ A: 1, B: true, C: '${{ inputs.count }}', D: '${{ inputs.none }}' }, { stringify: true });
    expect(template.evaluate(context)).toEqual({ A: '1', B: 'true', C: '3', D: '' });
    expect(compileTemplate({ A: 1 }, { stringify: true })).toMatchObject({ isStatic: true });
  });

  it('throws EXPRESSION_ERROR for bad syntax and unterminated expressions', () => {
    expect(() => compileTemplate('${{ inputs.count == }}')).toThrow(WeftError);
    expect(() => compileTemplate('echo ${{ inputs.count')).toThrow(/never closed/);
    try {
      compileTemplate({ a: ['${{ nope }}'] });
    } catch (error) {
      expect(error).toMatchObject({ code: 'EXPRESSION_ERROR' });
      expect((error as Error).message).toMatch(/unknown context `nope`.*at a\[0\]/);
    }
  });

  it('reports errors through onError with the offset inside the string', () => {
    const errors: Array<[string, string]> = [];
    compileTemplate({ v: 'ok ${{ inputs.a }} then ${{ bad( }}' }, { onError: (path, offset, message) => errors.push([`${path.join('.')}:${offset}`, message]) });
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe('v:31');
  });
});

describe('mergeTemplates', () => {
  it('lays one mapping over another, once when both are static', () => {
    const merged = mergeTemplates(compileTemplate<Record<string, string>>({ A: '1', B: '2' }), compileTemplate<Record<string, string>>({ B: 'x' }));
    expect(merged.isStatic).toBe(true);
    expect(merged.evaluate(context)).toEqual({ A: '1', B: 'x' });
    const dynamic = mergeTemplates(compileTemplate<Record<string, unknown>>({ A: '${{ inputs.count }}' }), compileTemplate<Record<string, unknown>>({ B: 'x' }));
    expect(dynamic.evaluate(context)).toEqual({ A: 3, B: 'x' });
  });
});
