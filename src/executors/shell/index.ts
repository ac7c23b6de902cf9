/**
 * The `shell` executor: a script run by bash (or sh) as a real child process in a
 * process group of its own. Its outputs are the exit code, the tail of stdout, and
 * whatever the script appended to `$WEFT_OUTPUT`.
 */
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { defineExecutor, type TaskContext } from '../../engine/executor.js';
import { loadSchema } from '../load-schema.js';
import { workspacePath } from '../workspace-path.js';
import { shellCommand } from './command.js';
import { scriptEnvironment } from './environment.js';
import { logLine } from './log-text.js';
import { LineSplitter } from './line-splitter.js';
import { createOutputFile, type OutputFile } from './output-file.js';
import { killGraceMs, spawnGroup, type GroupExit, type ProcessGroup } from './process-group.js';
import { TailBuffer } from './tail-buffer.js';

export { DEFAULT_KILL_GRACE_MS } from './process-group.js';

export interface ShellInput {
  run: string;
  /** @default 'bash' */
  shell?: string;
  cwd?: string;
  env?: Record<string, string>;
}

export interface ShellOutput {
  exitCode: number;
  stdout: string;
  [key: string]: string | number;
}

/** How much of stdout becomes the `stdout` output; earlier output is only in the log. */
export const STDOUT_TAIL_BYTES = 64 * 1024;
/** How much of stderr a failure carries in `details.stderrTail`. */
export const STDERR_TAIL_BYTES = 4 * 1024;
/**
 * How much of each stream is logged line by line. A script printing gigabytes is
 * read to the end (its tail is kept) but not split into lines past this.
 */
export const MAX_LOGGED_BYTES = 8 * 1024 * 1024;

const RESERVED_OUTPUTS = ['exitCode', 'stdout'];

export const shellExecutor = defineExecutor<ShellInput, ShellOutput>({
  name: 'shell',
  description: 'Runs a bash or sh script; outputs its exit code, stdout and the values it writes to $WEFT_OUTPUT.',
  inputSchema: loadSchema('shell.input.json'),
  outputSchema: loadSchema('shell.output.json'),
  shellInputs: ['run'],
  execute: runShell,
});

interface Captured {
  exit: GroupExit;
  stdout: string;
  stderr: string;
}

async function runShell(input: ShellInput, ctx: TaskContext): Promise<ShellOutput> {
  throwIfAborted(ctx.signal);
  const cwd = await resolveCwd(input.cwd, ctx);
  const outputFile = await createOutputFile();
  try {
    const captured = await runScript(input, ctx, cwd, outputFile.path);
    return await outputsOf(captured, outputFile, ctx);
  } finally {
    await outputFile.remove();
  }
}

async function runScript(input: ShellInput, ctx: TaskContext, cwd: string, outputPath: string): Promise<Captured> {
  const shell = input.shell ?? 'bash';
  const { command, args } = shellCommand(shell, input.run);
  const env = scriptEnvironment(process.env, ctx.env, input.env, {
    WEFT_OUTPUT: outputPath,
    WEFT_RUN_ID: ctx.runId,
    WEFT_TASK_ID: ctx.taskId,
    WEFT_ATTEMPT: String(ctx.attempt),
  });
  throwIfAborted(ctx.signal);
  let group: ProcessGroup;
  try {
    group = await spawnGroup(command, args, { cwd, env, graceMs: killGraceMs() });
  } catch (error) {
    throw spawnFailed(command, error);
  }
  const stop = (): void => void group.terminate();
  ctx.signal.addEventListener('abort', stop, { once: true });
  if (ctx.signal.aborted) stop();
  const stdout = capture(group.stdout, STDOUT_TAIL_BYTES, (line) => ctx.logStream('stdout', line), (note) => ctx.log(`stdout: ${note}`));
  const stderr = capture(group.stderr, STDERR_TAIL_BYTES, (line) => ctx.logStream('stderr', line), (note) => ctx.log(`stderr: ${note}`));
  try {
    const exit = await group.done;
    throwIfAborted(ctx.signal);
    return { exit, stdout: stdout(), stderr: stderr() };
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}

/**
 * Logs the lines of `stream`'s first MAX_LOGGED_BYTES (up to the end of the line
 * that crosses it: a line cut short could hold half a secret) and keeps its tail;
 * the returned function flushes and gives the tail.
 */
function capture(stream: Readable, tailBytes: number, onLine: (line: string) => void, note: (text: string) => void): () => string {
  const lines = new LineSplitter((line) => onLine(logLine(line)), MAX_LOGGED_BYTES);
  const tail = new TailBuffer(tailBytes);
  stream.on('data', (chunk: Buffer) => {
    tail.push(chunk);
    lines.push(chunk);
  });
  return () => {
    lines.end();
    const unlogged = lines.droppedBytes;
    if (unlogged > 0) note(`the log stops after ${MAX_LOGGED_BYTES} bytes; ${unlogged} more were read but not logged (the last ${tailBytes} bytes are kept)`);
    return tail.text();
  };
}

async function outputsOf(captured: Captured, outputFile: OutputFile, ctx: TaskContext): Promise<ShellOutput> {
  const { exit, stdout, stderr } = captured;
  const last = logLine(lastLine(stderr));
  const details = { stderrTail: stderr };
  if (exit.signal !== null) {
    const message = `killed by ${exit.signal}, which weft did not send (out of memory, or killed from outside?)`;
    throw new TaskError(ErrorCodes.KILLED, last ? `${message}: ${last}` : message, { signal: exit.signal, details });
  }
  const exitCode = exit.code ?? 0;
  if (exitCode !== 0) {
    const message = `exited with code ${exitCode}`;
    throw new TaskError(ErrorCodes.NONZERO_EXIT, last ? `${message}: ${last}` : message, { exitCode, details });
  }
  const values = await outputFile.read();
  for (const key of RESERVED_OUTPUTS.filter((k) => Object.hasOwn(values, k))) {
    ctx.log(`$WEFT_OUTPUT sets "${key}", which the shell executor sets itself; that value is ignored`);
  }
  return { ...values, exitCode, stdout: stdout.trim() };
}

/**
 * The directory to run in: the workdir, or `cwd` as a real path inside the
 * workspace (see workspace-path.ts), so a link or `..` that leads out is refused.
 */
async function resolveCwd(cwd: string | undefined, ctx: TaskContext): Promise<string> {
  if (cwd !== undefined) return workspacePath(cwd, ctx, { what: `cwd "${cwd}"`, kind: 'directory' });
  if (!(await stat(ctx.workdir).catch(() => undefined))?.isDirectory()) {
    throw new TaskError(ErrorCodes.INVALID_INPUT, `the task's workdir ${ctx.workdir} is not a directory. Create it before this task runs.`, { retryable: false });
  }
  return ctx.workdir;
}

function spawnFailed(command: string, error: unknown): TaskError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'it was not found on PATH' : error instanceof Error ? error.message : String(error);
  return new TaskError(
    ErrorCodes.EXECUTOR_ERROR,
    `could not start shell program "${command}": ${reason}. Install it, or set "shell" to bash or sh.`,
    { retryable: false, cause: error, details: code ? { cause: code } : undefined },
  );
}

/** Throws the engine's reason (TIMEOUT, CANCELLED) when the attempt has been stopped. */
function throwIfAborted(signal: AbortSignal): void {
  if (!signal.aborted) return;
  if (signal.reason instanceof TaskError) throw signal.reason;
  throw new TaskError(ErrorCodes.CANCELLED, 'the task was cancelled before its script finished');
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop()?.trim() ?? '';
}
