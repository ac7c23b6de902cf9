/**
 * `$WEFT_OUTPUT`: a fresh temp file a script appends outputs to, in GitHub Actions'
 * `$GITHUB_OUTPUT` format: `key=value` lines, or `key<<DELIM`, lines of value, `DELIM`.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, TaskError } from '../../engine/errors.js';

export interface OutputFile {
  readonly path: string;
  read(): Promise<Record<string, string>>;
  /** Deletes the file and its private directory; safe to call twice. */
  remove(): Promise<void>;
}

/** The most a script may write to `$WEFT_OUTPUT`: outputs are recorded with the run. */
export const MAX_OUTPUT_FILE_BYTES = 4 * 1024 * 1024;

/** Creates an empty file in a directory of its own, so no other process can guess it. */
export async function createOutputFile(): Promise<OutputFile> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-output-'));
  const path = join(dir, 'output');
  await writeFile(path, '', { mode: 0o600 });
  return {
    path,
    read: async () => {
      const { size } = await stat(path);
      if (size > MAX_OUTPUT_FILE_BYTES) {
        throw new TaskError(ErrorCodes.INVALID_OUTPUT, `$WEFT_OUTPUT holds ${size} bytes; outputs may take at most ${MAX_OUTPUT_FILE_BYTES}. Write large results to a file and output its path`, {
          retryable: false,
        });
      }
      return parseOutputFile(await readFile(path, 'utf8'));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Parses the file's text. Like GitHub's runner, whichever of `=` and `<<` comes
 * first on a line decides its form, so `a=x<<y` sets `a` to `x<<y`.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const values = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals > 0 && (heredoc === -1 || equals < heredoc)) {
      values.set(line.slice(0, equals), line.slice(equals + 1));
    } else if (heredoc > 0) {
      const end = closingLine(lines, i, line.slice(heredoc + 2));
      values.set(line.slice(0, heredoc), lines.slice(i + 1, end).join('\n'));
      i = end;
    } else {
      throw invalid(i, `expected "key=value" or "key<<DELIMITER", found ${quoted(line)}`);
    }
  }
  // fromEntries defines own properties, so a key like `__proto__` stays a plain key.
  return Object.fromEntries(values);
}

function closingLine(lines: string[], opening: number, delimiter: string): number {
  const line = quoted(lines[opening] ?? '');
  if (delimiter === '') throw invalid(opening, `${line} names no delimiter after "<<"`);
  const end = lines.indexOf(delimiter, opening + 1);
  if (end === -1) {
    const closing = delimiter.length <= MAX_QUOTED_CHARS ? `a line "${delimiter}"` : `a line holding its ${delimiter.length}-character delimiter`;
    throw invalid(opening, `${line} is never closed by ${closing}`);
  }
  return end;
}

/** Longest line quoted in an error message; a longer one is described instead. */
const MAX_QUOTED_CHARS = 200;

/**
 * A line of the file for an error message: whole or not at all. Secrets are hidden
 * in messages by matching them whole, so a line cut short could show half of one.
 */
function quoted(line: string): string {
  return line.length <= MAX_QUOTED_CHARS ? `"${line}"` : `a line of ${line.length} characters`;
}

function invalid(index: number, problem: string): TaskError {
  return new TaskError(
    ErrorCodes.INVALID_OUTPUT,
    `$WEFT_OUTPUT line ${index + 1}: ${problem}. ` +
      'Write outputs as `echo "name=value" >> "$WEFT_OUTPUT"`, or for several lines ' +
      '`name<<EOF`, the lines, then `EOF`.',
    { retryable: false },
  );
}
