/**
 * ISO strings for task timestamps, `Date#toISOString` without a Date. Every task's
 * start and end needs one, and `new Date(ms).toISOString()` costs a Date and a trip
 * into the runtime: microseconds on a path where a task's end waits to start the
 * next, most of all after a sleep, when little of it is in the CPU's caches. The
 * text up to the minute changes once a minute, so it is kept, and the seconds and
 * milliseconds are looked up.
 */
const SECONDS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const MILLIS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

let minuteStart = Number.NaN;
/** `YYYY-MM-DDTHH:MM:` of the minute starting at `minuteStart`. */
let minuteText = '';
let lastMs = Number.NaN;
let lastIso = '';

export function isoTime(ms: number): string {
  if (ms === lastMs) return lastIso;
  const sinceMinute = ms - minuteStart;
  if (!(sinceMinute >= 0 && sinceMinute < 60_000)) {
    minuteStart = ms - (((ms % 60_000) + 60_000) % 60_000);
    minuteText = new Date(minuteStart).toISOString().slice(0, -7);
  }
  const withinMinute = ms - minuteStart;
  lastMs = ms;
  lastIso = `${minuteText}${SECONDS[Math.floor(withinMinute / 1000)]}.${MILLIS[withinMinute % 1000]}Z`;
  return lastIso;
}
