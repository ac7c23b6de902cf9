/** `weft show RUN_ID`: one recorded run, its tasks, and why any failed. */
import type { RunRecord, RunStore } from '../../engine/store/index.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { createStyle, formatDuration, shouldColor, type Style } from '../style.js';
import { formatSummary, type LogSource } from '../summary.js';
import { openExistingStore, requireRun, storePath, toRunResult } from '../store-location.js';
import { formatTable, formatTimestamp } from '../table.js';

const HELP = `Usage: weft show RUN_ID [--json] [--store PATH]

Shows a recorded run: when it ran, its inputs, every task with its status,
attempts and duration, and each failed task's error and last log lines.

Options:
  --json          print the run result as JSON, the same shape as weft run --json
  --store PATH    the run store (default: .weft/weft.db in the project around
                  the current directory, or $WEFT_STORE)
  -h, --help      show this help`;

const OPTIONS = { ...HELP_OPTION, json: { type: 'boolean' }, store: { type: 'string' } } as const;

/** Log lines shown under a failed task. */
const TAIL_LINES = 10;

export const showCommand: Command = {
  name: 'show',
  summary: 'show a recorded run and its tasks',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    const [runId = ''] = expectPositionals(positionals, ['RUN_ID'], HELP);
    const file = storePath({ flag: values.store });
    const store = openExistingStore(file);
    try {
      const run = requireRun(store, file, runId);
      const text = values.json
        ? JSON.stringify(toRunResult(run), null, 2)
        : formatRun(run, storeLogs(store!, runId), createStyle(shouldColor(process.stdout)));
      process.stdout.write(`${text}\n`);
    } finally {
      store?.close();
    }
    return 0;
  },
};

export function formatRun(run: RunRecord, logs: LogSource, style: Style): string {
  const details: [string, string][] = [['started', formatTimestamp(run.startedAt)]];
  if (run.finishedAt !== undefined) {
    const took = run.durationMs === undefined ? '' : ` (${formatDuration(run.durationMs)})`;
    details.push(['finished', `${formatTimestamp(run.finishedAt)}${took}`]);
  }
  if (run.definition?.file !== undefined) details.push(['file', run.definition.file]);
  if (Object.keys(run.inputs).length > 0) details.push(['inputs', JSON.stringify(run.inputs)]);
  const head = `${style.paint('bold', `run ${run.runId}`)}  ${run.workflow}  ${style.mark(run.status)} ${run.status}`;
  const lines = [head, ...details.map(([name, value]) => `  ${style.paint('gray', name.padEnd(9))}${value}`), ''];
  const rows = Object.entries(run.tasks).map(([id, task]) => [
    id,
    `${style.mark(task.status)} ${task.status}`,
    String(task.attempts),
    task.durationMs === undefined ? '' : formatDuration(task.durationMs),
  ]);
  if (rows.length > 0) lines.push(formatTable(['TASK', 'STATUS', 'ATTEMPTS', 'DURATION'], rows, style), '');
  lines.push(formatSummary(toRunResult(run), logs, style));
  return lines.join('\n');
}

function storeLogs(store: RunStore, runId: string): LogSource {
  return { logTail: (taskId) => store.readLogs(runId, { taskId }).slice(-TAIL_LINES).map((entry) => entry.line) };
}
