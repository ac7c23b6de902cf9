/**
 * Airflow's trigger rules as a pure function of upstream counts. The run keeps the
 * counts up to date incrementally, so deciding is O(1) per upstream state change.
 */
import type { TriggerRule } from './types.js';

/** How a task's upstream tasks have ended so far. */
export interface UpstreamCounts {
  total: number;
  succeeded: number;
  /** `failed` and `cancelled` upstreams. */
  failed: number;
  upstreamFailed: number;
  skipped: number;
}

export type TriggerDecision = 'run' | 'wait' | 'skip' | 'upstream_failed';

export function emptyCounts(total: number): UpstreamCounts {
  return { total, succeeded: 0, failed: 0, upstreamFailed: 0, skipped: 0 };
}

/**
 * Decides what a task does given its upstreams, as Airflow's TriggerRuleDep does:
 * `run` when the rule is met, `wait` while it still may be, and otherwise the
 * state Airflow gives when it can no longer be met.
 */
export function decide(rule: TriggerRule, c: UpstreamCounts): TriggerDecision {
  if (c.total === 0) return 'run';
  const done = c.succeeded + c.failed + c.upstreamFailed + c.skipped;
  const allDone = done === c.total;
  const anyFailed = c.failed + c.upstreamFailed > 0;
  switch (rule) {
    case 'all_success':
      if (anyFailed) return 'upstream_failed';
      if (c.skipped > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'all_failed':
      if (c.succeeded + c.skipped > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'all_done':
      return allDone ? 'run' : 'wait';
    case 'all_skipped':
      if (c.succeeded + c.failed + c.upstreamFailed > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'one_success':
      if (c.succeeded > 0) return 'run';
      if (!allDone) return 'wait';
      return c.skipped === c.total ? 'skip' : 'upstream_failed';
    case 'one_failed':
      if (anyFailed) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'one_done':
      if (c.succeeded + c.failed > 0) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'none_failed':
      if (anyFailed) return 'upstream_failed';
      return allDone ? 'run' : 'wait';
    case 'none_failed_min_one_success':
      if (anyFailed) return 'upstream_failed';
      if (!allDone) return 'wait';
      return c.skipped === c.total ? 'skip' : 'run';
    case 'none_skipped':
      if (c.skipped > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'always':
      return 'run';
  }
}
