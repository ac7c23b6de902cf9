import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { MAX_OUTPUT_DEPTH, storableError, storableProblem } from '../../src/engine/storable.js';

describe('storableProblem', () => {
  it('accepts JSON-like values, shared (not circular) references, dates and undefined', () => {
    const shared = { a: 1 };
    expect(storableProblem({ x: shared, y: [shared, shared], when: new Date(0), gone: undefined, n: null })).toBeUndefined();
    expect(storableProblem(undefined)).toBeUndefined();
  });

  it('names the problem and where it is', () => {
    const loop: Record<string, unknown> = {};
    loop.me = [loop];
    expect(storableProblem(loop)).toBe('it refers back to itself at me[0] (a circular structure), which JSON cannot represent');
    expect(storableProblem({ a: { b: 1n } })).toContain('it holds a BigInt at a.b');
    expect(storableProblem({ f: () => 1 })).toBe('it holds a function at f, which JSON cannot represent');
    expect(storableProblem('x'.repeat(100), 50)).toBe('it is larger than 0.048828125 KiB as JSON');
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(storableProblem(deep)).toMatch(new RegExp(`^it is nested more than ${MAX_OUTPUT_DEPTH} levels deep`));
  });

  it('says so when reading the value throws', () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    expect(storableProblem(trap)).toBe('reading it threw Error: no keys');
  });
});

describe('storableError', () => {
  it('cuts a huge message and drops details that cannot be recorded', () => {
    const details: Record<string, unknown> = {};
    details.self = details;
    const error = storableError(new TaskError('BIG', 'm'.repeat(100_000), { details, retryable: true, exitCode: 3 }));
    expect(error.message).toMatch(/… \(34464 more characters cut\)$/);
    expect(error.toJSON()).toMatchObject({ code: 'BIG', retryable: true, exitCode: 3, details: { unrecorded: expect.stringContaining('circular') } });
  });

  it('leaves an ordinary error as it is', () => {
    const error = new TaskError('X', 'fine', { details: { a: 1 } });
    expect(storableError(error)).toBe(error);
  });
});
