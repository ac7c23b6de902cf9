/**
 * Caps on what a workflow file may hold. Each is far beyond any real workflow and
 * keeps a hostile file from costing more than a moment to refuse.
 */

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** The longest single value (a script, a description), in characters. */
export const MAX_SCALAR_CHARS = 1024 * 1024;
export const MAX_NESTING_DEPTH = 100;
/** Aliases expanded when building the value; caps "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 100;
/** The longest task id, input or variable name. */
export const MAX_NAME_CHARS = 100;

export function fileTooLarge(bytes: number): string {
  return `workflow file is ${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it into smaller workflows`;
}
