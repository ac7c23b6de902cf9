/**
 * Property tests of the expression layer: random expressions over random data, and
 * random text with `${{` in it. Parsing gives a parsed expression or an
 * `ExpressionSyntaxError`; evaluation gives plain JSON-like data or a non-retryable
 * `EXPRESSION_ERROR` — never a function, never another error, never a change to
 * `Object.prototype`. Values are data: text they hold is never evaluated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskError, WeftError } from '../../src/engine/errors.js';
import { contextData } from '../../src/engine/load/expression-data.js';
import { ExpressionSyntaxError, parseExpression } from '../../src/engine/load/expressions.js';
import { compileTemplate, interpolationText } from '../../src/engine/load/index.js';
import type { ExpressionContext } from '../../src/engine/types.js';

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).join();
const KEYS = ['a', 'b', 'x', '__proto__', 'constructor', 'prototype', 'toString', 'length', 'outputs', 'status', '*'];

const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 8 }), fc.double(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 3 }),
  map: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})).value;

const context = fc.record({ inputs: fc.dictionary(key, json, { maxKeys: 4 }), a: json, item: json }).map(
  ({ inputs, a, item }): ExpressionContext => ({
    inputs,
    env: { HOME: '/home/x' },
    tasks: { a: { status: 'succeeded', outputs: a } },
    run: { id: 'r-1' },
    workflow: { name: 'w' },
    item,
    index: 0,
  }),
);

const literal = fc.oneof(
  fc.string({ maxLength: 6 }).map((text) => `'${text.replace(/'/g, "''")}'`),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('true', 'false', 'null', '0', '-0', '1e309', '0x1F'),
);
const access = (base: string) => fc.array(key, { maxLength: 3 }).map((keys) => keys.reduce((expr, k) => (/^\w+$/.test(k) ? `${expr}.${k}` : `${expr}['${k.replace(/'/g, "''")}']`), base));
const expression = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fc.constantFrom('inputs', 'env', 'tasks.a', 'tasks.a.outputs', 'item', 'index', 'run.id', 'workflow').chain(access),
    fc.tuple(tie('expr'), fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '&&', '||'), tie('expr')).map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('expr').map((e) => `!(${e})`),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(fc.constantFrom('contains', 'startsWith', 'endsWith', 'format', 'join', 'toJSON', 'fromJSON'), fc.array(tie('expr'), { minLength: 1, maxLength: 3 })).map(
      ([name, args]) => `${name}(${args.join(', ')})`,
    ),
    tie('expr').map((e) => `${e}.*`),
  ),
})).expr;

/** True for null, booleans, finite-or-not numbers, strings, and lists and plain objects of those. */
function isPlainData(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || ['string', 'number', 'boolean'].includes(typeof item)) continue;
    if (Array.isArray(item)) stack.push(...(item as unknown[]));
    else if (typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) stack.push(...Object.values(item as object));
    else return false;
  }
  return true;
}

function evaluatesToDataOrExplains(source: string, ctx: ExpressionContext): void {
  let parsed;
  try {
    parsed = parseExpression(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionSyntaxError);
    return;
  }
  try {
    expect(isPlainData(parsed.evaluate(contextData(ctx, ['a'])))).toBe(true);
  } catch (error) {
    expect(error).toBeInstanceOf(TaskError);
    expect(error).toMatchObject({ code: 'EXPRESSION_ERROR', retryable: false });
  } finally {
    expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(PROTOTYPE_KEYS);
  }
}

describe('expressions, fuzzed', () => {
  it('parse and evaluate any generated expression to plain data or an EXPRESSION_ERROR', () => {
    fc.assert(fc.property(expression, context, evaluatesToDataOrExplains), { numRuns: 1000 });
  });

  it('parse any text to an expression or an ExpressionSyntaxError', () => {
    const char = fc.constantFrom(..."ab.[]()'!=<>&|*,0 -_".split(''), 'inputs', 'tasks', 'constructor', '__proto__', 'fromJSON(', 'format(');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), context, (chars, ctx) => evaluatesToDataOrExplains(chars.join(''), ctx)),
      { numRuns: 1000 },
    );
  });

  it('compile any text holding `${{` to a template or an EXPRESSION_ERROR', () => {
    const piece = fc.oneof(fc.constantFrom('${{', '}}', '${{ }}', "'", '${{ inputs.a }}', '${{ toJSON(inputs) }}', ' ', 'x'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), context, (pieces, ctx) => {
        let template;
        try {
          template = compileTemplate<unknown>(pieces.join(''));
        } catch (error) {
          expect(error).toBeInstanceOf(WeftError);
          expect((error as WeftError).code).toBe('EXPRESSION_ERROR');
          return;
        }
        try {
          expect(isPlainData(template.evaluate(ctx))).toBe(true);
        } catch (error) {
          expect(error).toMatchObject({ code: 'EXPRESSION_ERROR' });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never evaluates what a value holds: interpolation is the text around, plus the value as text', () => {
    const hostile = fc.oneof(json, fc.constantFrom('${{ inputs }}', '${{ 1 + }}', '${{', '}}${{ toJSON(env) }}'));
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }).filter((text) => !text.includes('${{')), hostile, (before, value) => {
        const template = compileTemplate<string>(`${before}\${{ inputs.v }}!`);
        const ctx: ExpressionContext = { inputs: { v: value }, env: {}, tasks: {}, run: { id: 'r' }, workflow: { name: 'w' } };
        const expected = `${before}${interpolationText(value)}!`;
        expect(template.evaluate(ctx)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('passes an object whose keys differ only in case through whole (counterexample of seed 1314472936)', () => {
    const template = compileTemplate<string>('${{ inputs.v }}!');
    const value = [{ x: {}, X: [] }];
    const ctx: ExpressionContext = { inputs: { v: value }, env: {}, tasks: {}, run: { id: 'r' }, workflow: { name: 'w' } };
    expect(template.evaluate(ctx)).toBe('[{"x":{},"X":[]}]!');
    expect(compileTemplate('${{ inputs.v }}').evaluate(ctx)).toEqual(value);
  });
});
