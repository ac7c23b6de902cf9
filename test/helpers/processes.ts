/** Whether a process still runs, and waiting for a script to reach a point. */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * False once the process has ended. A zombie counts as ended: where PID 1 does not
 * reap orphans (some containers), a killed orphan stays a zombie forever.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The pid a script wrote to `path` (e.g. `echo $! > "$path"`), once it is there.
 * Throws after `timeoutMs` so a broken test fails instead of hanging.
 */
export async function readPid(path: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = Number(tryRead(path).trim());
    if (pid > 0) return pid;
    if (Date.now() > deadline) throw new Error(`no pid in ${path} within ${timeoutMs} ms`);
    await delay(20);
  }
}

function tryRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
