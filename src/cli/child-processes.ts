/**
 * The processes this one started, killed when it must exit at once. A shell
 * task's process group does not end with weft: left alone, it would run on,
 * unowned, beside the new attempt that `weft resume` (or a worker's retry)
 * starts for the same task.
 *
 * Linux only: children are found in /proc. Elsewhere nothing is killed.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
}

/**
 * SIGKILL to the process group of each child that leads one (every shell task
 * does), and to each other child alone, never to weft's own group. No grace
 * period: the process exits right after, so there is no one left to wait.
 * Returns how many were signalled.
 */
export function killChildProcesses(): number {
  const self = processInfo('self');
  if (!self) return 0;
  let killed = 0;
  for (const child of childrenOf(self.pid)) {
    const target = child.pgid === child.pid && child.pgid !== self.pgid ? -child.pgid : child.pid;
    try {
      process.kill(target, 'SIGKILL');
      killed++;
    } catch {
      // Gone already, or not ours to signal: nothing more can be done for it.
    }
  }
  return killed;
}

function childrenOf(pid: number): ProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const info = processInfo(entry);
    if (info?.ppid === pid) children.push(info);
  }
  return children;
}

function processInfo(pid: string): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the parenthesised command name (which may hold spaces): state, ppid, pgrp, ...
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(stat.slice(0, stat.indexOf(' ')));
  return { pid: own, ppid: Number(fields[1]), pgid: Number(fields[2]) };
}
