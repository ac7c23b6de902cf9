import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance, listNames } from '../../../src/engine/load/suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swapped neighbours as one edit each', () => {
    expect(editDistance('needs', 'needs')).toBe(0);
    expect(editDistance('neeeds', 'needs')).toBe(1);
    expect(editDistance('nees', 'needs')).toBe(1);
    expect(editDistance('neads', 'needs')).toBe(1);
    expect(editDistance('buidl', 'build')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closest', () => {
  it('suggests the nearest candidate, ignoring case', () => {
    expect(closest('Shel', ['echo', 'shell', 'http'])).toBe('shell');
    expect(closest('retyr', ['retry', 'run', 'env'])).toBe('retry');
  });

  it('suggests nothing when no candidate is a plausible typo', () => {
    expect(closest('banana', ['needs', 'uses', 'run'])).toBeUndefined();
    expect(closest('x', ['yz'])).toBeUndefined();
  });
});

describe('didYouMean and listNames', () => {
  it('phrase the suggestion and the list of names', () => {
    expect(didYouMean('neeeds', ['needs', 'uses'])).toBe('; did you mean `needs`?');
    expect(didYouMean('zzz', ['needs'])).toBe('');
    expect(listNames(['a', 'b', 'c'])).toBe('`a`, `b` and `c`');
    expect(listNames(['a'])).toBe('`a`');
    expect(listNames(['a', 'b', 'c'], 2)).toBe('`a`, `b` and 1 more');
  });
});
