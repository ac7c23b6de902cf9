import { describe, expect, it } from 'vitest';
import { expectPositionals, parseCommandArgs, positiveInteger } from '../../src/cli/args.js';
import { UsageError } from '../../src/engine/errors.js';

const OPTIONS = { json: { type: 'boolean' }, input: { type: 'string', multiple: true } } as const;

describe('parseCommandArgs', () => {
  it('parses flags, repeated flags and positionals', () => {
    const { values, positionals } = parseCommandArgs(['f.yaml', '--input', 'a=1', '--input=b=2', '--json'], OPTIONS, 'HELP');
    expect(positionals).toEqual(['f.yaml']);
    expect(values).toEqual({ input: ['a=1', 'b=2'], json: true });
  });

  it('turns an unknown flag into a usage error that shows the usage', () => {
    const error = (() => {
      try {
        parseCommandArgs(['--jsn'], OPTIONS, 'Usage: weft run FILE');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/Unknown option '--jsn'/);
    expect((error as UsageError).message).toMatch(/Usage: weft run FILE$/);
  });
});

describe('expectPositionals', () => {
  it('names what is missing or extra', () => {
    expect(() => expectPositionals([], ['FILE'], 'H')).toThrow(/missing FILE/);
    expect(() => expectPositionals(['a', 'b'], ['FILE'], 'H')).toThrow(/unexpected argument "b"/);
    expect(expectPositionals(['a'], ['FILE'], 'H')).toEqual(['a']);
  });
});

describe('positiveInteger', () => {
  it('accepts positive integers only', () => {
    expect(positiveInteger('concurrency', '4')).toBe(4);
    expect(positiveInteger('concurrency', undefined)).toBeUndefined();
    for (const bad of ['0', '-1', '1.5', 'four', '']) {
      expect(() => positiveInteger('concurrency', bad)).toThrow(/--concurrency expects a positive integer/);
    }
  });
});
