/** Small statistics for benchmark samples. */

/** The value at quantile `q` (0–1) of sorted samples, by nearest rank; NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median with the spread of the repetitions: min, max, and (max − min) / median. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  spread: number;
  samples: number[];
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  const med = median(finite);
  const min = finite.length > 0 ? Math.min(...finite) : NaN;
  const max = finite.length > 0 ? Math.max(...finite) : NaN;
  return { median: med, min, max, spread: med === 0 ? 0 : (max - min) / med, samples: [...values] };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
