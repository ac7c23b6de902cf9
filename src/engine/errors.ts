/**
 * Every error weft throws on purpose. Each class has a stable `code`; tests and
 * callers match on the code, never on the wording.
 */
import { inspect } from 'node:util';
import type { SourceLocation, TaskErrorInfo } from './types.js';

/** Stable codes a task can fail with. Executors may use their own codes too. */
export const ErrorCodes = {
  NONZERO_EXIT: 'NONZERO_EXIT',
  KILLED: 'KILLED',
  TIMEOUT: 'TIMEOUT',
  CANCELLED: 'CANCELLED',
  INVALID_INPUT: 'INVALID_INPUT',
  INVALID_OUTPUT: 'INVALID_OUTPUT',
  EXECUTOR_ERROR: 'EXECUTOR_ERROR',
  EXPRESSION_ERROR: 'EXPRESSION_ERROR',
  RUN_TIMEOUT: 'RUN_TIMEOUT',
  /** Thrown by an executor that waits for something outside the run (a person's approval). */
  WAITING: 'WAITING',
  REJECTED: 'REJECTED',
} as const;

/** The base of weft's own errors. */
export class WeftError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem in a workflow file, with where it is. */
export interface WorkflowIssue extends SourceLocation {
  message: string;
}

/**
 * Formats an issue compiler-style: `file:line:column: message (at path)`. An issue
 * in a workflow defined as an object has line 0 (there is no text to point into):
 * `file: message (at path)`.
 */
export function formatIssue(issue: WorkflowIssue): string {
  const where = issue.path ? ` (at ${issue.path})` : '';
  const position = issue.line > 0 ? `:${issue.line}:${issue.column}` : '';
  return `${issue.file}${position}: ${issue.message}${where}`;
}

/**
 * Thrown by `parse`/`loadFile` when a workflow is invalid. `issues` lists every
 * problem found, not only the first.
 */
export class WorkflowValidationError extends WeftError {
  readonly issues: readonly WorkflowIssue[];
  constructor(issues: WorkflowIssue[]) {
    const first = issues[0];
    const head = first ? formatIssue(first) : 'invalid workflow';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('WORKFLOW_INVALID', `${head}${more}`);
    this.issues = issues;
  }

  /** All issues, one per line. */
  format(): string {
    return this.issues.map(formatIssue).join('\n');
  }
}

/** Thrown before a run starts when its inputs do not match the workflow's `inputs`. */
export class InputValidationError extends WeftError {
  readonly problems: readonly string[];
  constructor(workflow: string, problems: string[]) {
    super('INVALID_INPUTS', `Invalid inputs for workflow "${workflow}":\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/** Thrown for a misuse of the API or CLI: a duplicate executor, a bad option. */
export class UsageError extends WeftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

export interface TaskErrorOptions {
  /** `false`: never retried, whatever the policy says. */
  retryable?: boolean;
  /** Overrides the policy's computed delay before the next attempt. */
  retryAfterMs?: number;
  details?: unknown;
  exitCode?: number;
  signal?: string;
  cause?: unknown;
}

/** What an executor throws to fail an attempt with a chosen code. */
export class TaskError extends WeftError {
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  readonly details?: unknown;
  readonly exitCode?: number;
  readonly signal?: string;

  constructor(code: string, message: string, options: TaskErrorOptions = {}) {
    super(code, message, { cause: options.cause });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
    this.exitCode = options.exitCode;
    this.signal = options.signal;
  }

  /**
   * Any thrown value as a TaskError: a plain Error becomes `EXECUTOR_ERROR`. Never
   * throws, whatever was thrown (a getter that throws, a proxy, an object without
   * a prototype). `hide` (a secret mask) sees a description of the value before it
   * is cut.
   */
  static from(value: unknown, hide?: (text: string) => string): TaskError {
    try {
      if (value instanceof TaskError) return value;
      if (value instanceof Error) {
        const code = (value as { code?: unknown }).code;
        const details = typeof code === 'string' ? { cause: code } : undefined;
        return new TaskError(ErrorCodes.EXECUTOR_ERROR, String(value.message), { cause: value, details });
      }
    } catch {
      // Reading it threw; it is described below without calling its getters.
    }
    if (typeof value === 'string' && value !== '') return new TaskError(ErrorCodes.EXECUTOR_ERROR, value);
    return new TaskError(ErrorCodes.EXECUTOR_ERROR, `the executor threw ${describeThrown(value, hide)} rather than an Error; throw an Error or a TaskError with a message`);
  }

  toJSON(): TaskErrorInfo {
    const info: TaskErrorInfo = { code: this.code, message: this.message };
    if (this.retryable !== undefined) info.retryable = this.retryable;
    if (this.exitCode !== undefined) info.exitCode = this.exitCode;
    if (this.signal !== undefined) info.signal = this.signal;
    if (this.details !== undefined) info.details = this.details;
    return info;
  }
}

/**
 * Words for a thrown value of any kind, for messages; never throws, never calls a getter.
 * `hide` (a secret mask) sees the text before it is cut: a cut through a secret would
 * leave a piece of it that no mask recognises.
 */
export function describeThrown(value: unknown, hide?: (text: string) => string): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(cut(hide ? hide(value) : value, 200));
  try {
    if (value instanceof Error) return `${String(value.name)}: ${String(value.message)}`;
  } catch {
    // A getter threw: inspected below without calling getters.
  }
  try {
    // Strings whole when hiding: inspect's own cut would come before the mask.
    const maxStringLength = hide ? Infinity : 200;
    const text = inspect(value, { depth: 1, breakLength: Infinity, getters: false, customInspect: false, showProxy: true, maxStringLength, maxArrayLength: 10 });
    return cut(hide ? hide(text) : text, 500);
  } catch {
    return `${kindOf(value)} that cannot be described`;
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `a Treacherous` for an object whose class is known, without reading its properties. */
function kindOf(value: unknown): string {
  try {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    if (typeof name === 'string' && name !== '') return `a ${name}`;
  } catch {
    // A proxy's trap threw.
  }
  return 'a value';
}

/** Stable codes for a run store that cannot be used as it is. */
export const StoreErrorCodes = {
  /** The file was written by a newer weft; this one will not touch it. */
  NEWER_SCHEMA: 'STORE_NEWER_SCHEMA',
  /** The file is not a SQLite database, or is damaged. */
  CORRUPT: 'STORE_CORRUPT',
  /** The file is a SQLite database of some other program. */
  NOT_A_STORE: 'STORE_NOT_A_STORE',
  /** The file or its directory cannot be opened or created. */
  UNAVAILABLE: 'STORE_UNAVAILABLE',
} as const;

/** A run store file that cannot be opened safely; `file` names it. Nothing was changed. */
export class StoreError extends WeftError {
  readonly file: string;
  constructor(code: string, file: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }
}
