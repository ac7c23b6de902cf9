/**
 * ISO strings for task timestamps. Making one costs a Date and a formatting pass;
 * a busy run starts and ends many tasks within the same millisecond, so the last
 * one made is kept and handed out again for the same millisecond.
 */
let lastMs = Number.NaN;
let lastIso = '';

export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
