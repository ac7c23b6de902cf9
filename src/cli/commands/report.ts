/** `weft report RUN_ID -o FILE`: a recorded run as one self-contained HTML page. */
import { resolve } from 'node:path';
import { UsageError } from '../../engine/errors.js';
import { writeReport } from '../../observe/report/html.js';
import { toRunResult } from '../store-location.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { viewStoredRunWithConfig, withStoredRun } from './insights.js';

const HELP = `Usage: weft report RUN_ID -o FILE [--store PATH]

Writes a recorded run as one HTML file that opens offline: the task graph
coloured by state, a timeline with a bar per attempt (retries and back-off
visible), the critical path highlighted, the insights, and each task's error
and log tail on click. \`weft run --report FILE\` writes the same at the end of
a run.

Options:
  -o, --output FILE   where to write the report (required)
  --store PATH        the run store (default: .weft/weft.db in the project
                      around the current directory, or $WEFT_STORE)
  -h, --help          show this help`;

const OPTIONS = { ...HELP_OPTION, output: { type: 'string', short: 'o' }, store: { type: 'string' } } as const;

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a run as a self-contained HTML report',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    const [runId = ''] = expectPositionals(positionals, ['RUN_ID'], HELP);
    if (!values.output) throw new UsageError(`missing -o FILE: where to write the report\n\n${HELP}`);
    const output = resolve(values.output);
    await withStoredRun(values.store, runId, async (store, storeFile, run) => {
      const view = await viewStoredRunWithConfig(store, storeFile, run);
      writeReport(output, { result: toRunResult(view.run), workflow: { tasks: view.tasks }, timeline: view.timeline, insights: view.insights, logs: view.logs });
    });
    process.stderr.write(`report written to ${output}\n`);
    return 0;
  },
};
