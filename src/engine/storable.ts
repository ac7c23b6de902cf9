/**
 * What an executor returns, and the details of what it throws, are recorded in the
 * run store, sent in events and printed as JSON. A value JSON cannot hold (a cycle,
 * a BigInt, a function) or one too big to keep is refused here, with a clear
 * `INVALID_OUTPUT`, rather than crashing the store or the CLI later.
 *
 * The run's secrets are masked here, before any text is cut: a cut through a
 * secret leaves a piece of it that the mask, applied later, would not recognise.
 */
import type { AttemptExit, AttemptLayer } from './attempt.js';
import { describeThrown, ErrorCodes, TaskError } from './errors.js';
import type { SecretMask } from './secret-mask.js';

/** The most a task's outputs may take as JSON. */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** The deepest nesting kept: deeper values would overflow JSON's own recursion. */
export const MAX_OUTPUT_DEPTH = 500;
/** Error messages longer than this are cut. */
export const MAX_ERROR_MESSAGE_CHARS = 64 * 1024;
/** Error details are small by nature; beyond this they are replaced by a note. */
export const MAX_ERROR_DETAILS_BYTES = 256 * 1024;

/** Why `value` cannot be stored as JSON within `maxBytes`, or undefined when it can; `mask` hides secrets in the answer. */
export function storableProblem(value: unknown, maxBytes = MAX_OUTPUT_BYTES, mask?: SecretMask): string | undefined {
  try {
    const flat = flatBytes(value);
    if (flat !== undefined && flat <= maxBytes) return undefined;
    return walk(value, maxBytes);
  } catch (error) {
    return `reading it threw ${describeThrown(error, mask && ((text) => mask.text(text)))}`;
  }
}

/** Most outputs are a primitive or a small record of primitives. */
const FLAT_KEYS = 64;

/**
 * The JSON size `walk` would count for a primitive, or for a plain object or array
 * of at most FLAT_KEYS primitives, which holds no cycle; undefined for anything
 * else, which `walk` then checks in full.
 */
function flatBytes(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return primitiveBytes(value);
  const list = Array.isArray(value);
  if (!list && Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  let bytes = 2;
  let keys = 0;
  for (const key in value) {
    if (++keys > FLAT_KEYS || !Object.hasOwn(value, key)) return undefined;
    const item = primitiveBytes((value as Record<string, unknown>)[key]);
    if (item === undefined) return undefined;
    bytes += item + (list ? 1 : key.length + 4);
  }
  return bytes;
}

function primitiveBytes(value: unknown): number | undefined {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'boolean':
    case 'undefined':
      return 5;
    case 'object':
      return value === null ? 26 : undefined;
    default:
      return undefined;
  }
}

type Entry = { value: unknown; depth: number; path: string } | { leave: object };

function walk(root: unknown, maxBytes: number): string | undefined {
  let bytes = 0;
  const open = new Set<object>();
  const stack: Entry[] = [{ value: root, depth: 0, path: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if ('leave' in entry) {
      open.delete(entry.leave);
      continue;
    }
    const { value, depth, path } = entry;
    const where = path === '' ? '' : ` at ${path}`;
    switch (typeof value) {
      case 'string':
        bytes += value.length + 2;
        break;
      case 'number':
      case 'boolean':
      case 'undefined':
        bytes += 5;
        break;
      case 'bigint':
        return `it holds a BigInt${where}, which JSON cannot represent; convert it to a string or a number`;
      case 'function':
      case 'symbol':
        return `it holds a ${typeof value}${where}, which JSON cannot represent`;
      case 'object': {
        if (value === null || value instanceof Date) {
          bytes += 26;
          break;
        }
        if (open.has(value)) return `it refers back to itself${where} (a circular structure), which JSON cannot represent`;
        if (depth >= MAX_OUTPUT_DEPTH) return `it is nested more than ${MAX_OUTPUT_DEPTH} levels deep${where}`;
        const list = Array.isArray(value);
        if (list && value.length > maxBytes / 2) return `it is larger than ${formatBytes(maxBytes)} as JSON${where}`;
        open.add(value);
        stack.push({ leave: value });
        for (const [key, item] of Object.entries(value)) {
          bytes += list ? 1 : key.length + 4;
          stack.push({ value: item, depth: depth + 1, path: list ? `${path}[${key}]` : path === '' ? key : `${path}.${key}` });
        }
        bytes += 2;
        break;
      }
    }
    if (bytes > maxBytes) return `it is larger than ${formatBytes(maxBytes)} as JSON${where}`;
  }
  return undefined;
}

/**
 * Checks what the executor returned, and makes what it threw safe to record.
 * Innermost of the engine's layers: its exit sees the executor's own result.
 */
export const storableLayer: AttemptLayer = () => STORABLE_EXIT;

const STORABLE_EXIT: AttemptExit = {
  succeeded(outputs, call) {
    const problem = storableProblem(outputs, MAX_OUTPUT_BYTES, call.mask);
    if (problem === undefined) return outputs;
    throw new TaskError(ErrorCodes.INVALID_OUTPUT, `the outputs of executor "${call.executor.name}" cannot be recorded: ${problem}`, {
      retryable: false,
    });
  },
  failed: (thrown, call) => storableError(thrown, call.mask),
};

/** A thrown value as a TaskError whose message and details can be recorded, masked with `mask` before anything is cut. */
export function storableError(thrown: unknown, mask?: SecretMask): TaskError {
  const error = TaskError.from(thrown, mask && ((text) => mask.text(text)));
  // Details are checked before they are masked: masking reads every property, and a getter may throw.
  const detailsProblem = error.details === undefined ? undefined : storableProblem(error.details, MAX_ERROR_DETAILS_BYTES, mask);
  const storable = detailsProblem === undefined ? error : rebuilt(error, error.message, { unrecorded: `the error's details were dropped: ${detailsProblem}` });
  const masked = mask ? mask.error(storable) : storable;
  const { message } = masked;
  if (message.length <= MAX_ERROR_MESSAGE_CHARS) return masked;
  return rebuilt(masked, `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}… (${message.length - MAX_ERROR_MESSAGE_CHARS} more characters cut)`, masked.details);
}

function rebuilt(error: TaskError, message: string, details: unknown): TaskError {
  return new TaskError(error.code, message, {
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    exitCode: error.exitCode,
    signal: error.signal,
    details,
    cause: error,
  });
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}
