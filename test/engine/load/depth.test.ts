import { describe, expect, it } from 'vitest';
import { Parser } from 'yaml';
import { findExcessiveNesting } from '../../../src/engine/load/depth.js';

const cst = (text: string) => [...new Parser().parse(text)];

describe('findExcessiveNesting', () => {
  it('finds the first collection beyond the limit in the CST', () => {
    expect(findExcessiveNesting(cst('a: [[1]]\n'), 3)).toBeUndefined();
    expect(findExcessiveNesting(cst('a: [[1]]\n'), 2)).toEqual({ offset: 4 });
    expect(findExcessiveNesting(cst('a:\n  b:\n    - c: 1\n'), 3)).toEqual({ offset: 14 });
  });

  it('measures a 10,000-deep CST without recursion', () => {
    const depth = 10_000;
    expect(findExcessiveNesting(cst(`${'['.repeat(depth)}${']'.repeat(depth)}`), 100)).toEqual({ offset: 100 });
  });
});
