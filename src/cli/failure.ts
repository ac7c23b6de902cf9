/**
 * How the CLI reports an error it cannot go on from: a message that says what to
 * do, never a stack trace (unless `WEFT_DEBUG=1`), and an exit code by kind.
 */
import { InputValidationError, UsageError, WeftError, WorkflowValidationError } from '../engine/errors.js';
import type { RunStatus } from '../engine/types.js';
import { ConfigError } from './config.js';

export const ExitCode = {
  SUCCEEDED: 0,
  FAILED: 1,
  INVALID: 2,
  WAITING: 3,
  /** An exception escaped (an executor's bug): the process stopped, the run can be resumed. sysexits' EX_SOFTWARE. */
  CRASHED: 70,
  CANCELLED: 130,
} as const;

export function exitCodeForStatus(status: RunStatus): number {
  switch (status) {
    case 'succeeded':
      return ExitCode.SUCCEEDED;
    case 'waiting':
      return ExitCode.WAITING;
    case 'cancelled':
      return ExitCode.CANCELLED;
    default:
      return ExitCode.FAILED;
  }
}

/** Errors about what was asked, not about a run going wrong: the run it names cannot take it, or cannot start. */
const REFUSED_CODES = new Set(['RUN_LOCKED', 'RUN_NOT_RESUMABLE', 'APPROVAL_INVALID', 'SECRETS_UNAVAILABLE', 'QUEUE_KEY_REQUIRED']);

/** Invalid workflows, inputs, usage and config, and refused run commands, exit 2; anything else is a failure. */
export function exitCodeForError(error: unknown): number {
  const invalid =
    error instanceof WorkflowValidationError ||
    error instanceof InputValidationError ||
    error instanceof UsageError ||
    error instanceof ConfigError ||
    (error instanceof WeftError && REFUSED_CODES.has(error.code));
  return invalid ? ExitCode.INVALID : ExitCode.FAILED;
}

export function formatError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const debug = env.WEFT_DEBUG === '1';
  if (error instanceof WorkflowValidationError) {
    const count = error.issues.length;
    const summary = `${count} ${count === 1 ? 'problem' : 'problems'} in the workflow; fix ${count === 1 ? 'it' : 'them'} and run again`;
    return `${error.format()}\n${summary}${debug ? `\n${error.stack ?? ''}` : ''}`;
  }
  if (debug && error instanceof Error) return error.stack ?? error.message;
  if (error instanceof WeftError) return error.message;
  if (error instanceof Error) return `unexpected error: ${error.message} (set WEFT_DEBUG=1 for the stack trace)`;
  return `unexpected error: ${String(error)}`;
}

/** Writes the error to stderr and returns the exit code it calls for. */
export function reportError(error: unknown, stream: { write(text: string): unknown } = process.stderr): number {
  stream.write(`${prefix(error)}${formatError(error)}\n`);
  return exitCodeForError(error);
}

function prefix(error: unknown): string {
  return error instanceof WorkflowValidationError ? '' : 'weft: ';
}
