/**
 * Command-line parsing on top of `node:util` parseArgs: strict (an unknown flag is
 * a usage error that shows the command's usage), with `--help` on every command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../engine/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** One `weft` sub-command. `run` returns the process exit code. */
export interface Command {
  name: string;
  /** One line, for the top-level help. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  run(argv: string[]): Promise<number>;
}

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** Parses `argv` for a command; a parse failure becomes a UsageError carrying the usage text. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, help: string): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? firstSentence(error.message) : String(error);
    throw new UsageError(`${message}\n\n${help}`);
  }
}

/** Exactly `count` positionals, or a usage error naming what is missing or extra. */
export function expectPositionals(positionals: string[], names: string[], help: string): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(positionals.length).join(', ')}\n\n${help}`);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument "${positionals[names.length]}"\n\n${help}`);
  }
  return positionals;
}

/** `--concurrency 4` → 4; anything but a positive integer is a usage error. */
export function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${flag} expects a positive integer, got "${text}"`);
  }
  return value;
}

function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end === -1 ? message : message.slice(0, end + 1);
}
