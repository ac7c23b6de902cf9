/** `weft insights RUN_ID`: why a recorded run took as long as it did. */
import type { RunStore } from '../../engine/store/index.js';
import { formatInsights } from '../../observe/insights-text.js';
import { viewStoredRun, type StoredRunView } from '../../observe/stored-run.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { createStyle, formatDuration, shouldColor } from '../style.js';
import { openExistingStore, requireRun, storePath } from '../store-location.js';
import { openWorkspace } from '../workspace.js';

const HELP = `Usage: weft insights RUN_ID [--json] [--store PATH]

Shows where a recorded run's time went: the critical path, each task's queue
wait, run time and retry back-off, which resource pool or concurrency limit held
tasks back, the slowest executors, what retries cost, and the makespan against
its lower bound max(critical path, total work / concurrency).

Runs made by \`weft run\` keep a per-attempt timeline beside the store; for
other runs the timeline is rebuilt from task results, without queue, back-off
or limit detail.

Options:
  --json          print the insights as JSON
  --store PATH    the run store (default: .weft/weft.db in the project around
                  the current directory, or $WEFT_STORE)
  -h, --help      show this help`;

const OPTIONS = { ...HELP_OPTION, json: { type: 'boolean' }, store: { type: 'string' } } as const;

export const insightsCommand: Command = {
  name: 'insights',
  summary: "a run's critical path, bottlenecks and lower bound",
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    const [runId = ''] = expectPositionals(positionals, ['RUN_ID'], HELP);
    const view = await withStoredRun(values.store, runId, (store, storeFile, run) => viewStoredRunWithConfig(store, storeFile, run));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...view.insights, detailed: view.detailed }, null, 2)}\n`);
      return 0;
    }
    const style = createStyle(shouldColor(process.stdout));
    const lines = formatInsights(view.insights, style, { duration: formatDuration, maxTasks: 25 });
    if (!view.detailed) lines.push(style.paint('gray', '  (no per-attempt timeline was kept for this run: queue wait, back-off and limits are unknown)'));
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

/** Opens the store read-only for one run and hands it over; the store is closed after. */
export async function withStoredRun<T>(
  flag: string | undefined,
  runId: string,
  use: (store: RunStore, storeFile: string, run: ReturnType<typeof requireRun>) => Promise<T> | T,
): Promise<T> {
  const file = storePath({ flag });
  const store = openExistingStore(file);
  try {
    return await use(store!, file, requireRun(store, file, runId));
  } finally {
    store?.close();
  }
}

/** A stored run's view, its workflow compiled by an engine with the config that sits beside it. */
export async function viewStoredRunWithConfig(store: RunStore, storeFile: string, run: ReturnType<typeof requireRun>): Promise<StoredRunView> {
  const file = run.definition?.file;
  let compile: ((text: string, file?: string) => { tasks: StoredRunView['tasks'] }) | undefined;
  try {
    const { engine } = await openWorkspace({ workflowFile: file });
    compile = (text, name) => engine.parse(text, name);
  } catch {
    compile = undefined;
  }
  return viewStoredRun({ store, storeFile, run, compile });
}
