import { describe, expect, it } from 'vitest';
import { scanNestingDepth } from '../../../src/engine/load/nesting-scan.js';

const brackets = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('scanNestingDepth', () => {
  it('counts flow brackets and block collections together', () => {
    expect(scanNestingDepth(`a: ${brackets(99)}\n`, 100)).toBeUndefined();
    expect(scanNestingDepth(`a: ${brackets(100)}\n`, 100)).toBe(102);
    expect(scanNestingDepth(`a:\n${'- '.repeat(99)}x\n`, 100)).toBeUndefined();
    expect(scanNestingDepth(`a:\n${'- '.repeat(100)}x\n`, 100)).toBe(3);
  });

  it('counts a sequence at the same column as its key as one level deeper', () => {
    expect(scanNestingDepth('a:\n- x\n', 1)).toBe(3);
    expect(scanNestingDepth('a:\n- x\nb: 1\n', 2)).toBeUndefined();
  });

  it('ignores brackets in quotes, comments and block scalars', () => {
    const deep = '['.repeat(200);
    expect(scanNestingDepth(`a: "${deep}"\nb: '${deep}'\n`, 10)).toBeUndefined();
    expect(scanNestingDepth(`a: 1 # ${deep}\n`, 10)).toBeUndefined();
    expect(scanNestingDepth(`run: |\n  echo ${deep}\n  more ${deep}\nnext: 1\n`, 10)).toBeUndefined();
    expect(scanNestingDepth(`a: don't ${brackets(3)}\n`, 10)).toBeUndefined();
  });

  it('scans a 100,000-deep document without recursion', () => {
    expect(scanNestingDepth(brackets(100_000), 100)).toBe(100);
  });
});
