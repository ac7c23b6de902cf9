import { describe, expect, it } from 'vitest';
import { Parser } from 'yaml';
import { checkCstLimits } from '../../../src/engine/load/cst-limits.js';

const cst = (text: string) => [...new Parser().parse(text)];

describe('checkCstLimits', () => {
  it('finds the first collection beyond the depth limit in the CST', () => {
    expect(checkCstLimits(cst('a: [[1]]\n'), 3, 100).tooDeep).toBeUndefined();
    expect(checkCstLimits(cst('a: [[1]]\n'), 2, 100).tooDeep).toEqual({ offset: 4 });
    expect(checkCstLimits(cst('a:\n  b:\n    - c: 1\n'), 3, 100).tooDeep).toEqual({ offset: 14 });
  });

  it('measures a 10,000-deep CST without recursion', () => {
    const depth = 10_000;
    expect(checkCstLimits(cst(`${'['.repeat(depth)}${']'.repeat(depth)}`), 100, 100).tooDeep).toEqual({ offset: 100 });
  });

  it('finds a scalar longer than the limit, written plain, quoted or as a block, where it starts', () => {
    expect(checkCstLimits(cst('a: 12345\nb: "123"\n'), 10, 5)).toEqual({ oversized: undefined });
    expect(checkCstLimits(cst('a: 123456\n'), 10, 5).oversized).toEqual({ offset: 3, length: 6 });
    expect(checkCstLimits(cst("a: '123456'\n"), 10, 5).oversized).toEqual({ offset: 3, length: 8 });
    expect(checkCstLimits(cst('a: |\n  123456\n'), 10, 5).oversized).toMatchObject({ offset: 3 });
    expect(checkCstLimits(cst('[[x]]\n'), 10, 0).oversized).toEqual({ offset: 2, length: 1 });
  });

  it('reports depth even when the walk meets an oversized scalar first', () => {
    const breach = checkCstLimits(cst('a: [[[1]]]\nb: 123456\n'), 2, 5);
    expect(breach.tooDeep).toEqual({ offset: 4 });
    expect(breach.oversized).toEqual({ offset: 14, length: 6 });
  });
});
