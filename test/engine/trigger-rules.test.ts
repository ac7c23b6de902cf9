import { describe, expect, it } from 'vitest';
import { decide, type UpstreamCounts } from '../../src/engine/trigger-rules.js';
import type { TriggerRule } from '../../src/engine/types.js';

type Outcome = 's' | 'f' | 'u' | 'k' | '.';

/** Upstream outcomes as a string: s succeeded, f failed, u upstream_failed, k skipped, . still running. */
function counts(upstreams: string): UpstreamCounts {
  const c: UpstreamCounts = { total: upstreams.length, succeeded: 0, failed: 0, upstreamFailed: 0, skipped: 0 };
  for (const o of upstreams as unknown as Outcome[]) {
    if (o === 's') c.succeeded++;
    if (o === 'f') c.failed++;
    if (o === 'u') c.upstreamFailed++;
    if (o === 'k') c.skipped++;
  }
  return c;
}

// The reference table, from Airflow's TriggerRuleDep: [rule, upstream outcomes, decision].
const table: [TriggerRule, string, ReturnType<typeof decide>][] = [
  ['all_success', 'ss', 'run'],
  ['all_success', 's.', 'wait'],
  ['all_success', 'f.', 'upstream_failed'],
  ['all_success', 'u.', 'upstream_failed'],
  ['all_success', 'sk', 'skip'],
  ['all_success', 'kf', 'upstream_failed'],
  ['all_failed', 'ff', 'run'],
  ['all_failed', 'fu', 'run'],
  ['all_failed', 'f.', 'wait'],
  ['all_failed', 'fs', 'skip'],
  ['all_failed', 'fk', 'skip'],
  ['all_done', 'sfku', 'run'],
  ['all_done', 'sf.', 'wait'],
  ['all_skipped', 'kk', 'run'],
  ['all_skipped', 'k.', 'wait'],
  ['all_skipped', 'ks', 'skip'],
  ['all_skipped', 'kf', 'skip'],
  ['one_success', 's.', 'run'],
  ['one_success', 'f.', 'wait'],
  ['one_success', 'ff', 'upstream_failed'],
  ['one_success', 'fk', 'upstream_failed'],
  ['one_success', 'kk', 'skip'],
  ['one_failed', 'f.', 'run'],
  ['one_failed', 'u.', 'run'],
  ['one_failed', 's.', 'wait'],
  ['one_failed', 'sk', 'skip'],
  ['one_done', 's.', 'run'],
  ['one_done', 'f.', 'run'],
  ['one_done', 'k.', 'wait'],
  ['one_done', 'ku', 'skip'],
  ['none_failed', 'sk', 'run'],
  ['none_failed', 'kk', 'run'],
  ['none_failed', 's.', 'wait'],
  ['none_failed', 'f.', 'upstream_failed'],
  ['none_failed', 'u.', 'upstream_failed'],
  ['none_failed_min_one_success', 'sk', 'run'],
  ['none_failed_min_one_success', 'kk', 'skip'],
  ['none_failed_min_one_success', 'k.', 'wait'],
  ['none_failed_min_one_success', 'sf', 'upstream_failed'],
  ['none_skipped', 'sf', 'run'],
  ['none_skipped', 's.', 'wait'],
  ['none_skipped', 'k.', 'skip'],
  ['always', '..', 'run'],
  ['always', 'fk', 'run'],
];

describe('trigger rules', () => {
  it.each(table)('%s with upstreams %s → %s', (rule, upstreams, expected) => {
    expect(decide(rule, counts(upstreams))).toBe(expected);
  });

  it('runs a task without upstreams whatever its rule, as Airflow does', () => {
    for (const rule of ['all_failed', 'one_success', 'all_skipped'] as const) expect(decide(rule, counts(''))).toBe('run');
  });
});
