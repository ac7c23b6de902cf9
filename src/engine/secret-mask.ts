/**
 * Hides secret values in everything a run lets out: log lines, task outputs and
 * errors, the run's outputs. A value is hidden as written and in the encodings a
 * script is likely to print it in (base64, URL-encoded, JSON-escaped), and a
 * multi-line value (a PEM key) line by line, since tools print such values one
 * line at a time.
 */
import { TaskError } from './errors.js';
import type { TaskErrorInfo } from './types.js';

export const MASK = '***';

/**
 * Encodings and lines shorter than this, and the encodings of values shorter than
 * this, are not hidden: a line of a key like `==`, or the base64 of a two-letter
 * value, would hide ordinary text everywhere.
 */
export const SHORTEST_MASKED_PART = 4;

/**
 * Ends a piece of text its producer cut short (a shell line over 1 MiB). What
 * comes before it may be the start of a secret, which no whole-value match finds;
 * the mask hides such a start too.
 */
export const CUT_MARK = ' [cut]';

export class SecretMask {
  private readonly pattern: RegExp;
  private readonly parts: readonly string[];

  private constructor(
    /** The values hidden, as given: a worker that runs a task elsewhere builds the same mask from them. */
    readonly values: readonly string[],
    parts: readonly string[],
  ) {
    // Longest first, so that a value is hidden whole rather than around a shorter part of it.
    this.parts = [...parts].sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(this.parts.map(escapeRegExp).join('|'), 'g');
  }

  /** A mask for these values, or undefined when there is nothing to hide (the common case: no work per log line then). */
  static of(values: Iterable<string>): SecretMask | undefined {
    const parts = new Set<string>();
    const given = [...values];
    for (const value of given) for (const part of forms(value)) parts.add(part);
    return parts.size === 0 ? undefined : new SecretMask(given, [...parts]);
  }

  text(text: string): string {
    if (text.endsWith(CUT_MARK)) return this.hideCutEnd(this.whole(text.slice(0, -CUT_MARK.length))) + CUT_MARK;
    return this.whole(text);
  }

  private whole(text: string): string {
    this.pattern.lastIndex = 0;
    return this.pattern.test(text) ? text.replace(this.pattern, MASK) : text;
  }

  /** Hides the longest start of any secret form that the text ends with. */
  private hideCutEnd(text: string): string {
    let longest = 0;
    for (const part of this.parts) {
      for (let length = Math.min(part.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(part.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest === 0 ? text : text.slice(0, -longest) + MASK;
  }

  /**
   * A JSON-like value with every string (and key) masked. Values that hold no secret
   * are returned as they are, not copied. Iterative, so deep nesting cannot overflow.
   */
  value<T>(value: T): T {
    return maskTree(value, (text) => this.text(text)) as T;
  }

  /** The same error with its message and details masked; the original stays as its `cause`. */
  error(error: TaskError): TaskError {
    const message = this.text(error.message);
    const details = this.value(error.details);
    if (message === error.message && details === error.details) return error;
    const masked = new TaskError(error.code, message, {
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      details,
      exitCode: error.exitCode,
      signal: error.signal,
      cause: error,
    });
    masked.stack = this.text(error.stack ?? '');
    return masked;
  }

  info(info: TaskErrorInfo): TaskErrorInfo {
    return this.value(info);
  }
}

/** The value, its encodings, and its lines, each as a string to hide. */
function forms(value: string): string[] {
  if (value === '') return [];
  const found = [value];
  if (value.length < SHORTEST_MASKED_PART) return found;
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const candidates = [
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ];
  for (const line of value.split(/\r?\n/)) candidates.push(line.trim());
  for (const candidate of candidates) {
    if (candidate.length >= SHORTEST_MASKED_PART && candidate !== value) found.push(candidate);
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Frame = { source: object; entries: [string, unknown][]; index: number; copy?: Record<string, unknown> | unknown[] };

/** What a reference back to an enclosing object (a cycle, in error details) becomes. */
const CIRCULAR = '[Circular]';

/**
 * Rebuilds `root` with `mask` applied to every string, copying only the objects on
 * the path to a change. Walks with an explicit stack rather than recursion.
 */
function maskTree(root: unknown, mask: (text: string) => string): unknown {
  if (typeof root === 'string') return mask(root);
  if (root === null || typeof root !== 'object') return root;
  const stack: Frame[] = [frameOf(root)];
  const open = new Set<object>([root]);
  let finished: unknown = root;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index === frame.entries.length) {
      stack.pop();
      open.delete(frame.source);
      finished = frame.copy ?? frame.source;
      const parent = stack[stack.length - 1];
      if (parent) settleChild(parent, finished);
      continue;
    }
    const [, child] = frame.entries[frame.index]!;
    if (child !== null && typeof child === 'object') {
      if (open.has(child)) {
        settleChild(frame, CIRCULAR);
        continue;
      }
      open.add(child);
      stack.push(frameOf(child));
      continue;
    }
    settleChild(frame, typeof child === 'string' ? mask(child) : child);
  }
  return finished;

  function settleChild(frame: Frame, value: unknown): void {
    const [key, before] = frame.entries[frame.index]!;
    const maskedKey = Array.isArray(frame.source) ? key : mask(key);
    if (value !== before || maskedKey !== key) {
      frame.copy ??= Array.isArray(frame.source) ? [...frame.source] : { ...frame.source };
      if (maskedKey !== key) delete (frame.copy as Record<string, unknown>)[key];
      define(frame.copy, maskedKey, value);
    }
    frame.index++;
  }
}

function frameOf(source: object): Frame {
  return { source, entries: Object.entries(source), index: 0 };
}

/** Sets a key as an own data property, so a masked `__proto__` key stays a key. */
function define(target: Record<string, unknown> | unknown[], key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
