/** Milliseconds in one of each unit. */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 60_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** `1h30m` → 5400000. Throws on text that is not a duration. */
export function parseDuration(text: string): number {
  const compact = text.replace(/\s+/g, '');
  let total = 0;
  let consumed = 0;
  for (const match of compact.matchAll(PART)) {
    const [whole, amount = '0', unit = 'ms'] = match;
    total += Number(amount) * (UNIT_MS[unit] ?? 0);
    consumed += whole.length;
  }
  if (compact === '' || consumed !== compact.length) {
    throw new Error(`"${text}" is not a duration: write a number and a unit, e.g. 90s or 1h30m`);
  }
  return total;
}

/** 5400000 → `1h30m`. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}
