/**
 * A script's output as it goes into the log. Scripts print text from strangers
 * (issue titles, diffs); a carriage return, a cursor movement or a terminal title
 * sequence in it would rewrite what a person reads in a terminal or CI log. Colour
 * codes are dropped, and every other control character is written as a visible
 * `\uXXXX` escape. Tabs are kept. The `stdout` output keeps the bytes as they were.
 */

const COLOUR = /\u001b\[[0-9;]*m/g;
// C0 and C1 controls but tab, DEL, line and paragraph separators, and bidi marks and overrides.
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The line as it may be shown. */
export function logLine(line: string): string {
  return line.replace(COLOUR, '').replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
