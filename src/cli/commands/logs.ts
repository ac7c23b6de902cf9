/** `weft logs RUN_ID [TASK]`: a recorded run's log lines; with --follow, as they are written. */
import { setTimeout as delay } from 'node:timers/promises';
import { UsageError } from '../../engine/errors.js';
import type { RunStore, StoredLogEntry } from '../../engine/store/index.js';
import { HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { createStyle, shouldColor, type Style } from '../style.js';
import { openExistingStore, requireRun, storePath } from '../store-location.js';

const HELP = `Usage: weft logs RUN_ID [TASK] [--follow] [--store PATH]

Prints the log lines a run's tasks wrote, oldest first, as "[task] line".
Lines a task wrote to stderr show as "[task:stderr] line"; lines of a retry
show the attempt, as "[task#2] line". Each task keeps its newest 2000 lines.

Options:
  --follow, -f    keep printing new lines until the run stops running
  --store PATH    the run store (default: .weft/weft.db in the project around
                  the current directory, or $WEFT_STORE)
  -h, --help      show this help`;

const OPTIONS = { ...HELP_OPTION, follow: { type: 'boolean', short: 'f' }, store: { type: 'string' } } as const;

/** How often --follow looks for new lines. */
const POLL_MS = 200;
/** Lines read from the store at a time, so a long log streams instead of loading whole. */
const PAGE = 1000;

export const logsCommand: Command = {
  name: 'logs',
  summary: "print a run's log lines (--follow to keep reading)",
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    if (positionals.length === 0) throw new UsageError(`missing RUN_ID\n\n${HELP}`);
    if (positionals.length > 2) throw new UsageError(`unexpected argument "${positionals[2]}"\n\n${HELP}`);
    const [runId = '', taskId] = positionals;
    const file = storePath({ flag: values.store });
    const store = openExistingStore(file);
    try {
      const run = requireRun(store, file, runId);
      if (taskId !== undefined && !(taskId in run.tasks)) {
        throw new UsageError(`run ${runId} has no task "${taskId}"; its tasks are: ${Object.keys(run.tasks).join(', ')}`);
      }
      await printLogs(store!, runId, taskId, values.follow === true, createStyle(shouldColor(process.stdout)));
    } finally {
      store?.close();
    }
    return 0;
  },
};

/**
 * Prints every stored line, then with `follow` keeps polling until the run is no
 * longer running. The status is read before the lines, so the last read after
 * the run ends holds every line it wrote.
 */
async function printLogs(store: RunStore, runId: string, taskId: string | undefined, follow: boolean, style: Style): Promise<void> {
  let afterSeq = 0;
  for (;;) {
    const running = store.getRun(runId)?.status === 'running';
    for (let page = read(store, runId, taskId, afterSeq); page.length > 0; page = read(store, runId, taskId, afterSeq)) {
      process.stdout.write(`${page.map((entry) => formatLogLine(entry, style)).join('\n')}\n`);
      afterSeq = page[page.length - 1]!.seq;
    }
    if (!follow || !running) return;
    await delay(POLL_MS);
  }
}

function read(store: RunStore, runId: string, taskId: string | undefined, afterSeq: number): StoredLogEntry[] {
  return store.readLogs(runId, { afterSeq, limit: PAGE, ...(taskId === undefined ? {} : { taskId }) });
}

export function formatLogLine(entry: StoredLogEntry, style: Style): string {
  const attempt = entry.attempt > 1 ? `#${entry.attempt}` : '';
  const stream = entry.stream === 'stderr' ? style.paint('red', ':stderr') : '';
  return `${style.paint('gray', '[')}${entry.taskId}${attempt}${stream}${style.paint('gray', ']')} ${entry.line}`;
}
