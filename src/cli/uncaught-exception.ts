/**
 * An exception that nothing caught, thrown from a timer or callback an executor
 * set up, say. Node would print it and die mid-run. weft cannot tell which task
 * it belongs to (tracking async context would slow every promise the scheduler
 * makes) nor what it left half done, so, as production job runners do, it stops:
 * it says what was thrown and what was running, leaves each run in the store as
 * far as it got with its lease released, kills the processes it started, and
 * exits with ExitCode.CRASHED. `weft resume` carries on from there.
 */
import { describeThrown } from '../engine/errors.js';
import { killChildProcesses } from './child-processes.js';
import { ExitCode } from './failure.js';

/** Something the process is doing that a crash has to account for. */
export interface CrashWatch {
  /** Lines about what was going on, for the report. */
  describe(): string[];
  /** What to do once it is printed, in a few lines: `weft resume RUN_ID`, say. */
  advice(): string[];
  /** Hides secret values in what is printed. */
  mask?(text: string): string;
  /** Leaves durable state where another process can take over. Synchronous: nothing else may run first. */
  handOver(): void;
}

/** Stack frames shown: enough to find the executor's code, not the whole of Node's timers. */
const STACK_FRAMES = 8;

const watches = new Set<CrashWatch>();
let crashing = false;

/** Adds `watch` until the returned function is called. */
export function watchForCrash(watch: CrashWatch): () => void {
  watches.add(watch);
  return () => watches.delete(watch);
}

export function exitOnUncaughtException(): void {
  process.on('uncaughtException', crash);
}

function crash(error: unknown): void {
  // Thrown again while handing over: the first report is what matters.
  if (crashing) process.exit(ExitCode.CRASHED);
  crashing = true;
  const described = [...watches].flatMap((watch) => attempt(() => watch.describe(), []));
  const problems: string[] = [];
  for (const watch of watches) {
    attempt(() => watch.handOver(), undefined, (failure) => problems.push(`could not hand the run over: ${describeThrown(failure)}`));
  }
  const killed = killChildProcesses();
  const advice = [...watches].flatMap((watch) => attempt(() => watch.advice(), []));
  const lines = [
    "weft: an exception was thrown that nothing caught (a bug in an executor?); this process's state is unknown, so it stops:",
    ...thrown(error).map((line) => `  ${line}`),
    ...described,
    ...(killed > 0 ? [`killed ${killed} ${killed === 1 ? 'process' : 'processes'} it had started`] : []),
    ...problems,
    ...advice,
  ];
  process.stderr.write(`${masked(lines.join('\n'))}\n`);
  process.exit(ExitCode.CRASHED);
}

/** What was thrown, and where, when it has a stack. */
function thrown(error: unknown): string[] {
  const stack = attempt(() => (error instanceof Error && typeof error.stack === 'string' ? error.stack : ''), '');
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, STACK_FRAMES);
  // Masked before describeThrown cuts a long value, so no cut lands inside a secret.
  return [describeThrown(error, masked), ...frames.map((frame) => `  ${frame.trim()}`)];
}

function masked(text: string): string {
  let result = text;
  for (const watch of watches) if (watch.mask) result = attempt(() => watch.mask!(result), result);
  return result;
}

/** Runs `fn`; a throw gives `fallback` (a getter on a thrown object, a store that fails). */
function attempt<T>(fn: () => T, fallback: T, onError?: (error: unknown) => void): T {
  try {
    return fn();
  } catch (error) {
    onError?.(error);
    return fallback;
  }
}
