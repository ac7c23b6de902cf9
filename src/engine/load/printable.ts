/**
 * Text from a workflow file, made safe to print in a message: a task id or key may
 * hold control characters, terminal escape sequences or bidirectional overrides that
 * would rewrite or hide what a terminal or CI log shows.
 */

// C0 and C1 controls, DEL, line and paragraph separators, and bidi marks and overrides.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The text with every unprintable character written as a `\uXXXX` escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A name or value for a message: printable, and cut to `max` characters. */
export function shortText(text: string, max = 40): string {
  return printable(text.length > max ? `${text.slice(0, max)}…` : text);
}
