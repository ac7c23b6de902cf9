/** `weft runs`: the recorded runs, newest first; `weft runs prune` forgets old ones. */
import { UsageError } from '../../engine/errors.js';
import type { RunRecord } from '../../engine/store/index.js';
import type { RunStatus } from '../../engine/types.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, positiveInteger, type Command } from '../args.js';
import { createStyle, formatDuration, shouldColor, type Style } from '../style.js';
import { openExistingStore, storePath, toRunResult } from '../store-location.js';
import { formatTable, formatTaskCounts, formatTimestamp } from '../table.js';

const HELP = `Usage: weft runs [options]
       weft runs prune --older-than AGE [--store PATH]

Lists recorded runs, newest first: id, workflow, status, start, duration and
how many tasks ended in each state.

Options:
  --workflow NAME    only runs of this workflow
  --status STATUS    only runs with this status: running, waiting, succeeded,
                     failed or cancelled
  --limit N          at most N runs (default 20)
  --json             print the runs as a JSON array of run results
  --store PATH       the run store (default: .weft/weft.db in the project
                     around the current directory, or $WEFT_STORE)
  -h, --help         show this help

weft runs prune deletes finished runs that started more than AGE ago, with
their tasks and logs. AGE is a number and a unit: 30d, 12h, 45m or 90s.`;

const OPTIONS = {
  ...HELP_OPTION,
  workflow: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  store: { type: 'string' },
  'older-than': { type: 'string' },
} as const;

const RUN_STATUSES: readonly RunStatus[] = ['running', 'waiting', 'succeeded', 'failed', 'cancelled'];
const DEFAULT_LIMIT = 20;
const AGE_UNITS_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list recorded runs; `runs prune` deletes old ones',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    if (positionals[0] === 'prune') {
      expectPositionals(positionals.slice(1), [], HELP);
      return prune(values['older-than'], values.store);
    }
    expectPositionals(positionals, [], HELP);
    if (values['older-than'] !== undefined) throw new UsageError(`--older-than belongs to \`weft runs prune\`\n\n${HELP}`);
    const filter = {
      workflow: values.workflow,
      status: runStatus(values.status),
      limit: positiveInteger('limit', values.limit) ?? DEFAULT_LIMIT,
    };
    const file = storePath({ flag: values.store });
    const store = openExistingStore(file);
    let runs: RunRecord[];
    try {
      runs = store?.listRuns(filter) ?? [];
    } finally {
      store?.close();
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(runs.map(toRunResult), null, 2)}\n`);
    } else if (runs.length === 0) {
      process.stderr.write(`no runs recorded in ${file}\n`);
    } else {
      process.stdout.write(`${formatRuns(runs, createStyle(shouldColor(process.stdout)))}\n`);
    }
    return 0;
  },
};

export function formatRuns(runs: RunRecord[], style: Style): string {
  const rows = runs.map((run) => [
    run.runId,
    run.workflow,
    `${style.mark(run.status)} ${run.status}`,
    formatTimestamp(run.startedAt),
    run.durationMs === undefined ? '' : formatDuration(run.durationMs),
    formatTaskCounts(run.tasks, style),
  ]);
  return formatTable(['RUN', 'WORKFLOW', 'STATUS', 'STARTED', 'DURATION', 'TASKS'], rows, style);
}

/** `30d` → 30 days in ms; anything else is a usage error. */
export function parseAge(text: string): number {
  const match = /^(\d+)([dhms])$/.exec(text.trim());
  if (!match) throw new UsageError(`--older-than expects a number and a unit (d, h, m or s), such as 30d; got "${text}"`);
  return Number(match[1]) * AGE_UNITS_MS[match[2]!]!;
}

function prune(olderThan: string | undefined, flag: string | undefined): number {
  if (olderThan === undefined) throw new UsageError(`weft runs prune needs --older-than AGE, such as 30d\n\n${HELP}`);
  const before = new Date(Date.now() - parseAge(olderThan));
  const file = storePath({ flag });
  const store = openExistingStore(file);
  let pruned = 0;
  try {
    pruned = store?.pruneRuns(before) ?? 0;
  } finally {
    store?.close();
  }
  process.stdout.write(`pruned ${pruned} ${pruned === 1 ? 'run' : 'runs'} that finished and started before ${formatTimestamp(before.toISOString())} from ${file}\n`);
  return 0;
}

function runStatus(text: string | undefined): RunStatus | undefined {
  if (text === undefined) return undefined;
  const status = RUN_STATUSES.find((s) => s === text);
  if (!status) throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}; got "${text}"`);
  return status;
}
