import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../../src/engine/errors.js';
import { coerceInputText, resolveInputs } from '../../../src/engine/load/index.js';
import { issuesOf, load, yaml } from './helpers.js';

const workflow = load(
  yaml(
    'name: inputs-demo',
    'inputs:',
    '  repo: { type: string, required: true, description: owner/name }',
    '  count: { type: integer, default: 2 }',
    '  ratio: { type: number }',
    '  dry: { type: boolean, default: false }',
    '  items: { type: array, default: [a, b] }',
    '  meta: { type: object }',
    '  level: { enum: [low, high], default: low }',
    'tasks: { a: { run: "echo ${{ inputs.repo }}" } }',
  ),
);

function problems(given: Record<string, unknown>): readonly string[] {
  try {
    resolveInputs(workflow, given);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    return (error as InputValidationError).problems;
  }
  throw new Error('inputs were accepted');
}

describe('resolveInputs', () => {
  it('fills in defaults and keeps given values', () => {
    expect(resolveInputs(workflow, { repo: 'weft', ratio: 0.5 })).toEqual({
      repo: 'weft',
      count: 2,
      ratio: 0.5,
      dry: false,
      items: ['a', 'b'],
      level: 'low',
    });
  });

  it('lists every problem: missing, unknown, wrong type, outside enum', () => {
    expect(problems({ count: 1.5, dry: 'yes', items: 'a', meta: [], level: 'mid', repoo: 'x' })).toEqual([
      'unknown input "repoo"; did you mean `repo`? (declared: repo, count, ratio, dry, items, meta, level)',
      'missing required input "repo" (text): owner/name',
      'input "count": expected a whole number, got `1.5`',
      'input "dry": expected `true` or `false`, got `yes`',
      'input "items": expected a list, got `a`',
      'input "meta": expected a mapping, got a list',
      'input "level": expected one of "low", "high", got `mid`',
    ]);
  });
});

describe('input definitions', () => {
  it('must have defaults and enum values of their own type', () => {
    const issues = issuesOf(
      yaml('name: x', 'inputs:', '  n: { type: number, default: many }', '  e: { type: integer, enum: [1, two] }', 'tasks: { a: { run: x } }'),
    );
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['inputs.n.default', 'default of input `n`: expected a number, got `many`'],
      ['inputs.e.enum[1]', 'enum value of input `e`: expected a whole number, got `two`'],
    ]);
  });
});

describe('coerceInputText', () => {
  const spec = (type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object') => ({ type, required: false });

  it('parses numbers, integers and booleans', () => {
    expect(coerceInputText(spec('number'), '2.5')).toBe(2.5);
    expect(coerceInputText(spec('integer'), '7')).toBe(7);
    expect(coerceInputText(spec('boolean'), 'true')).toBe(true);
    expect(coerceInputText(spec('boolean'), 'FALSE')).toBe(false);
  });

  it('reads arrays as JSON or a comma list, and objects as JSON', () => {
    expect(coerceInputText(spec('array'), '[1, "a"]')).toEqual([1, 'a']);
    expect(coerceInputText(spec('array'), 'a, b,c')).toEqual(['a', 'b', 'c']);
    expect(coerceInputText(spec('array'), '')).toEqual([]);
    expect(coerceInputText(spec('object'), '{"k": 1}')).toEqual({ k: 1 });
  });

  it('keeps strings, unknown inputs and unparsable text as they are', () => {
    expect(coerceInputText(spec('string'), '42')).toBe('42');
    expect(coerceInputText(undefined, 'true')).toBe('true');
    expect(coerceInputText(spec('number'), 'abc')).toBe('abc');
    expect(coerceInputText(spec('number'), '')).toBe('');
    expect(coerceInputText(spec('boolean'), 'yes')).toBe('yes');
    expect(coerceInputText(spec('object'), '{bad')).toBe('{bad');
  });
});
