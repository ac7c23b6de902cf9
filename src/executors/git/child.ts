/**
 * Runs a program as a child process from an argv array (never a shell string built
 * from data), in a process group of its own so that stopping it on abort also stops
 * whatever it started. Shared by the git wrapper and the scripts the issue-to-PR
 * executors run (a resolver command, verify, review checks).
 */
import type { Readable } from 'node:stream';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { killGraceMs, spawnGroup, type ProcessGroup } from '../shell/process-group.js';
import { LineSplitter } from '../shell/line-splitter.js';
import { TailBuffer } from '../shell/tail-buffer.js';

export interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Keep only this many bytes of each stream. @default 16 MiB */
  maxBytes?: number;
  /** Called for each line of stdout and stderr, as they come. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface ChildResult {
  /** The exit code; `null` when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Runs `command` to the end. Rejects with the engine's abort reason when `signal`
 * aborts, and with a non-retryable `EXECUTOR_ERROR` when the program cannot start.
 */
export async function runChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildResult> {
  throwIfAborted(options.signal);
  let group: ProcessGroup;
  try {
    group = await spawnGroup(command, [...args], { cwd: options.cwd, env: options.env, graceMs: killGraceMs() });
  } catch (error) {
    throw cannotStart(command, error);
  }
  const stop = (): void => void group.terminate();
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) stop();
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const stdout = collect(group.stdout, max, (line) => options.onLine?.('stdout', line));
  const stderr = collect(group.stderr, max, (line) => options.onLine?.('stderr', line));
  try {
    const exit = await group.done;
    throwIfAborted(options.signal);
    return { code: exit.code, signal: exit.signal, stdout: stdout(), stderr: stderr() };
  } finally {
    options.signal.removeEventListener('abort', stop);
  }
}

function collect(stream: Readable, max: number, onLine: (line: string) => void): () => string {
  const lines = new LineSplitter(onLine);
  const tail = new TailBuffer(max);
  stream.on('data', (chunk: Buffer) => {
    lines.push(chunk);
    tail.push(chunk);
  });
  return () => {
    lines.end();
    return tail.text();
  };
}

/** Throws the engine's reason (TIMEOUT, CANCELLED) once the attempt has been stopped. */
export function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  if (signal.reason instanceof TaskError) throw signal.reason;
  throw new TaskError(ErrorCodes.CANCELLED, 'the task was cancelled');
}

function cannotStart(command: string, error: unknown): TaskError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'it was not found on PATH' : error instanceof Error ? error.message : String(error);
  return new TaskError(ErrorCodes.EXECUTOR_ERROR, `could not start "${command}": ${reason}. Install it and try again.`, {
    retryable: false,
    cause: error,
  });
}

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last bytes of stdout and stderr, interleaved as they came. */
  log: string;
}

/** How much of a script's output its result keeps. */
export const SCRIPT_LOG_TAIL_BYTES = 8 * 1024;

/**
 * Runs a script written by the workflow's author (never text from an issue) with
 * bash, failing on the first failing command as the `shell` executor does.
 */
export async function runScript(script: string, options: Omit<ChildOptions, 'maxBytes'>): Promise<ScriptResult> {
  const tail = new TailBuffer(SCRIPT_LOG_TAIL_BYTES);
  const result = await runChild('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    ...options,
    maxBytes: SCRIPT_LOG_TAIL_BYTES,
    onLine: (stream, line) => {
      tail.push(Buffer.from(`${line}\n`));
      options.onLine?.(stream, line);
    },
  });
  return { code: result.code, signal: result.signal, log: tail.text() };
}
