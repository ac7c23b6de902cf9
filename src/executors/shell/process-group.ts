/**
 * A child process in a process group of its own, so that stopping it stops
 * everything it started: background jobs, nested shells, their children.
 * POSIX only: the group is signalled with `process.kill(-pgid)`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

/** How long a group gets between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 5000;

const POLL_MS = 25;

/** `WEFT_KILL_GRACE_MS` from the environment when it is a non-negative number, else the default. */
export function killGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WEFT_KILL_GRACE_MS;
  const ms = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_KILL_GRACE_MS;
}

export interface GroupExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessGroup {
  readonly pid: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /**
   * Settles once the leader has exited, whatever it left running in its group has
   * been stopped, and its output has been read to the end.
   */
  readonly done: Promise<GroupExit>;
  /** SIGTERM to the group, then SIGKILL to whatever is left after the grace period. */
  terminate(): Promise<void>;
}

export interface SpawnGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  graceMs: number;
}

/** Starts `command`; rejects with the spawn error (e.g. ENOENT) if it cannot start. */
export function spawnGroup(command: string, args: string[], options: SpawnGroupOptions): Promise<ProcessGroup> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<GroupExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.off('error', reject);
      resolve(wrap(child, child.pid as number, exited, closed, options.graceMs));
    });
  });
}

function wrap(
  child: ChildProcess,
  pid: number,
  exited: Promise<GroupExit>,
  closed: Promise<void>,
  graceMs: number,
): ProcessGroup {
  let stopping: Promise<void> | undefined;
  const terminate = (): Promise<void> => (stopping ??= stopGroup(pid, graceMs));
  const done = (async () => {
    const exit = await exited;
    if (await groupAlive(pid)) await terminate();
    // A process that left the group can still hold our pipes open; stop reading them.
    const timer = new AbortController();
    const drained = await Promise.race([
      closed.then(() => true),
      delay(graceMs, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    if (!drained) {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    return exit;
  })();
  return { pid, stdout: child.stdout as Readable, stderr: child.stderr as Readable, done, terminate };
}

async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await groupAlive(pgid))) return;
    await delay(POLL_MS);
  }
  signalGroup(pgid, 'SIGKILL');
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone. EPERM: a member we may not signal (setuid);
    // nothing more can be done for it, and the rest of the group was still signalled.
  }
}

/**
 * True while some process of the group still runs. `kill(-pgid, 0)` alone is not
 * enough: where PID 1 does not reap orphans (some containers), killed members stay
 * as zombies forever, so on Linux zombies are skipped by reading /proc.
 */
async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return hasLiveMember(pgid);
}

async function hasLiveMember(pgid: number): Promise<boolean> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name: state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}
