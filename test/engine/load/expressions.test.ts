import { describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { contextData } from '../../../src/engine/load/expression-data.js';
import { ExpressionSyntaxError, parseExpression } from '../../../src/engine/load/expressions.js';
import type { ExpressionContext } from '../../../src/engine/types.js';

const context: ExpressionContext = {
  inputs: { repo: 'Weft', count: 3, labels: ['bug', 'docs'], empty: '', flag: false },
  env: { LOG_LEVEL: 'info' },
  tasks: {
    'build-x': { status: 'succeeded', outputs: { version: '1.2.0', files: ['a.js', 'b.js'] } },
    fetch: { status: 'failed', outputs: null },
  },
  run: { id: 'run-1' },
  workflow: { name: 'release' },
  item: { name: 'pkg' },
  index: 2,
};

function evaluate(source: string): unknown {
  const expression = parseExpression(source);
  return expression.evaluate(contextData(context, ['build-x', 'fetch']));
}

describe('expressions follow GitHub Actions semantics', () => {
  it('compares strings without regard to case', () => {
    expect(evaluate("inputs.repo == 'weft'")).toBe(true);
    expect(evaluate("inputs.repo != 'WEFT'")).toBe(false);
  });

  it('coerces numbers and text when comparing', () => {
    expect(evaluate("inputs.count == '3'")).toBe(true);
    expect(evaluate('inputs.count > 2')).toBe(true);
  });

  it('returns the deciding value from || and &&', () => {
    expect(evaluate("inputs.empty || 'fallback'")).toBe('fallback');
    expect(evaluate("inputs.repo || 'fallback'")).toBe('Weft');
    expect(evaluate("inputs.flag && 'never'")).toBe(false);
    expect(evaluate('!inputs.flag')).toBe(true);
  });

  it('provides contains, startsWith, endsWith, format, join, toJSON and fromJSON', () => {
    expect(evaluate("contains(inputs.labels, 'BUG')")).toBe(true);
    expect(evaluate("contains('hello world', 'WORLD')")).toBe(true);
    expect(evaluate("startsWith(inputs.repo, 'we')")).toBe(true);
    expect(evaluate("endsWith(inputs.repo, 'FT')")).toBe(true);
    expect(evaluate("format('{0} has {1} labels {{literal}}', inputs.repo, 2)")).toBe('Weft has 2 labels {literal}');
    expect(evaluate("join(inputs.labels, ', ')")).toBe('bug, docs');
    expect(evaluate('toJSON(inputs.labels)')).toBe('[\n  "bug",\n  "docs"\n]');
    expect(evaluate('fromJSON(\'{"a": [1, 2]}\')')).toEqual({ a: [1, 2] });
  });

  it('reads property names without regard to case, the exact key first, and keeps every key', () => {
    const expression = (source: string) => parseExpression(source).evaluate(contextData({ ...context, inputs: { o: { x: 1, X: 2, Name: 'n' } } }, []));
    expect(expression('inputs.o.x')).toBe(1);
    expect(expression('inputs.o.X')).toBe(2);
    expect(expression('inputs.o.NAME')).toBe('n');
    expect(expression('inputs.O.name')).toBe('n');
    expect(expression('inputs.o')).toEqual({ x: 1, X: 2, Name: 'n' });
    expect(JSON.parse(expression('toJSON(inputs.o)') as string)).toEqual({ x: 1, X: 2, Name: 'n' });
    expect(expression('inputs.o.*')).toEqual([1, 2, 'n']);
  });

  it('reads task ids with dashes, nested outputs and filters with *', () => {
    expect(evaluate('tasks.build-x.outputs.version')).toBe('1.2.0');
    expect(evaluate("tasks['build-x'].status")).toBe('succeeded');
    expect(evaluate('tasks.build-x.outputs.files[1]')).toBe('b.js');
    expect(evaluate('tasks.fetch.outputs')).toBeNull();
    expect(evaluate('tasks.build-x.outputs.missing')).toBeNull();
  });

  it('reads item, index, run, workflow and env', () => {
    expect(evaluate('item.name')).toBe('pkg');
    expect(evaluate('index')).toBe(2);
    expect(evaluate('run.id')).toBe('run-1');
    expect(evaluate('workflow.name')).toBe('release');
    expect(evaluate('env.LOG_LEVEL')).toBe('info');
  });

  it('fails evaluation with an EXPRESSION_ERROR task error', () => {
    expect(() => evaluate("fromJSON('not json')")).toThrow(TaskError);
    try {
      evaluate("fromJSON('not json')");
    } catch (error) {
      expect(error).toMatchObject({ code: 'EXPRESSION_ERROR', retryable: false });
      expect((error as Error).message).toMatch(/could not evaluate `\$\{\{ fromJSON\('not json'\) \}\}`/);
    }
  });
});

describe('parsing expressions', () => {
  it('records what an expression reads, with offsets', () => {
    const { refs } = parseExpression("tasks.build.outputs && inputs['repo'] == item && index > 0 && toJSON(tasks)");
    expect(refs.tasks).toEqual([{ name: 'build', offset: 6 }]);
    expect(refs.inputs).toEqual([{ name: 'repo', offset: 30 }]);
    expect(refs.item.map((ref) => ref.name).sort()).toEqual(['index', 'item']);
    expect(refs.wholeTasks).toEqual([69]);
  });

  it('reports syntax errors with their offset in the expression', () => {
    const failure = (source: string) => {
      try {
        parseExpression(source);
      } catch (error) {
        expect(error).toBeInstanceOf(ExpressionSyntaxError);
        return error as ExpressionSyntaxError;
      }
      throw new Error(`parsed: ${source}`);
    };
    expect(failure('inputs.a ==')).toMatchObject({ offset: 9 });
    expect(failure('foo.bar')).toMatchObject({ offset: 0, message: expect.stringMatching(/^unknown context `foo`/) });
    expect(failure('inputz.a').message).toMatch(/did you mean `inputs`/);
    expect(failure('inputs.a = 1')).toMatchObject({ offset: 9 });
    expect(failure("contans(inputs.a, 'x')").message).toMatch(/^unknown function `contans`/);
    expect(failure('').message).toMatch(/empty expression/);
  });
});
