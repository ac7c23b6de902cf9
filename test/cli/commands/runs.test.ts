import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/engine/errors.js';
import { formatRuns, parseAge } from '../../../src/cli/commands/runs.js';
import { createStyle } from '../../../src/cli/style.js';

describe('parseAge', () => {
  it('reads days, hours, minutes and seconds', () => {
    expect(parseAge('30d')).toBe(30 * 24 * 3600 * 1000);
    expect(parseAge('12h')).toBe(12 * 3600 * 1000);
    expect(parseAge('45m')).toBe(45 * 60 * 1000);
    expect(parseAge('90s')).toBe(90 * 1000);
  });

  it.each(['30', 'd', '1w', '-1d', '1.5d', '30 days'])('refuses %j, showing an example', (text) => {
    expect(() => parseAge(text)).toThrow(UsageError);
    expect(() => parseAge(text)).toThrow('such as 30d');
  });
});

describe('formatRuns', () => {
  it('lines up a row per run under a header, counting forEach instances rather than their aggregate', () => {
    const text = formatRuns(
      [
        {
          runId: 'r-long-id',
          workflow: 'build',
          status: 'failed',
          startedAt: 'not a time',
          durationMs: 1500,
          inputs: {},
          outputs: {},
          tasks: {
            each: { status: 'failed', attempts: 3 },
            'each[0]': { status: 'succeeded', attempts: 1 },
            'each[1]': { status: 'failed', attempts: 2 },
            after: { status: 'upstream_failed', attempts: 0 },
          },
        },
        { runId: 'r2', workflow: 'deploy', status: 'running', startedAt: 'x', inputs: {}, outputs: {}, tasks: {} },
      ],
      createStyle(false),
    );
    expect(text.split('\n')).toEqual([
      'RUN        WORKFLOW  STATUS     STARTED     DURATION  TASKS',
      'r-long-id  build     ✗ failed   not a time  1.5s      1✓ 1✗ 1⊘',
      'r2         deploy    ▸ running  x',
    ]);
  });
});
