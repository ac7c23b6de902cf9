/**
 * Durations as written in workflows: `150ms`, `2s`, `1.5m`, `1h`, or a number of
 * milliseconds.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

/**
 * The longest duration accepted. Node's timers treat anything at or above 2^31-1 ms
 * as 1 ms, so a longer timeout would fire at once instead of never.
 */
export const MAX_DURATION_MS = 2 ** 31 - 2;

const EXAMPLES = '`150ms`, `2s`, `1.5m`, `1h` or a number of milliseconds';

/** Milliseconds for a duration; throws an Error saying what was wrong and what is accepted. */
export function parseDuration(value: string | number): number {
  const ms = typeof value === 'number' ? value : fromText(value);
  if (!Number.isFinite(ms)) throw new Error(`invalid duration ${String(value)}: expected ${EXAMPLES}`);
  if (ms < 0) throw new Error(`invalid duration ${String(value)}: durations cannot be negative`);
  if (ms > MAX_DURATION_MS) {
    throw new Error(
      `duration ${String(value)} is too long: the longest allowed is ${MAX_DURATION_MS} ms (about 24.8 days)`,
    );
  }
  return Math.round(ms);
}

function fromText(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) throw new Error(`invalid duration \`${text}\`: expected ${EXAMPLES}`);
  const unit = UNIT_MS[match[2] ?? 'ms']!;
  return Number(match[1]) * unit;
}
