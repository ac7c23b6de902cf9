/**
 * Ctrl-C during a run: the first SIGINT/SIGTERM asks the run to cancel (tasks are
 * stopped and end `cancelled`); a second one exits at once.
 */
import { ExitCode } from './failure.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Calls `cancel` on the first signal; returns a function that removes the handlers. */
export function cancelOnSignal(cancel: () => void, notify: (text: string) => void): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received > 1) process.exit(ExitCode.CANCELLED);
    notify(`received ${signal}: cancelling the run (press Ctrl-C again to exit at once)`);
    cancel();
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}
