import { describe, expect, it } from 'vitest';
import { DEFAULT_KILL_GRACE_MS, killGraceMs } from '../../../src/executors/shell/process-group.js';

describe('killGraceMs', () => {
  it('reads WEFT_KILL_GRACE_MS, falling back to the default for anything but a non-negative number', () => {
    expect(killGraceMs({ WEFT_KILL_GRACE_MS: '200' })).toBe(200);
    expect(killGraceMs({ WEFT_KILL_GRACE_MS: '0' })).toBe(0);
    expect(killGraceMs({})).toBe(DEFAULT_KILL_GRACE_MS);
    expect(killGraceMs({ WEFT_KILL_GRACE_MS: '' })).toBe(DEFAULT_KILL_GRACE_MS);
    expect(killGraceMs({ WEFT_KILL_GRACE_MS: 'soon' })).toBe(DEFAULT_KILL_GRACE_MS);
    expect(killGraceMs({ WEFT_KILL_GRACE_MS: '-5' })).toBe(DEFAULT_KILL_GRACE_MS);
  });
});
