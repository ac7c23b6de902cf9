/**
 * One process drives a run at a time. The driver holds a lease in the store and
 * renews it while the run goes on; a lease whose holder died expires after its
 * time to live, or at once when the holder was a process on this machine that no
 * longer exists.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { WeftError } from './errors.js';
import type { RunStore } from './store/index.js';

export const LEASE_TTL_MS = 30_000;

/** Thrown when another live process drives the run. */
export class RunLockedError extends WeftError {
  constructor(
    readonly runId: string,
    readonly holder: string,
    readonly expiresAt: number,
  ) {
    super(
      'RUN_LOCKED',
      `run ${runId} is being driven by ${holder} (lease until ${new Date(expiresAt).toISOString()}); ` +
        'wait for it to end, or stop that process first',
    );
  }
}

/** This process's name as a lease holder: host, pid and a nonce. */
export function newHolderId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface HeldLease {
  release(): void;
}

/** Takes the lease on `runId` or throws RunLockedError; renews it until released. */
export function holdLease(store: RunStore, runId: string, holder: string, ttlMs = LEASE_TTL_MS): HeldLease {
  let lease = store.acquireLease(runId, holder, ttlMs);
  if (lease.holder !== holder && holderIsGone(lease.holder)) {
    store.releaseLease(runId, lease.holder);
    lease = store.acquireLease(runId, holder, ttlMs);
  }
  if (lease.holder !== holder) throw new RunLockedError(runId, lease.holder, lease.expiresAt);
  const renewal = setInterval(() => store.acquireLease(runId, holder, ttlMs), ttlMs / 3);
  renewal.unref();
  return {
    release() {
      clearInterval(renewal);
      store.releaseLease(runId, holder);
    },
  };
}

/** True when the holder was a process on this machine that has exited. */
function holderIsGone(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== os.hostname() || !pid || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
