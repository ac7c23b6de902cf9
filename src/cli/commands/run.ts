/** `weft run FILE`: runs a workflow, shows progress on stderr, exits by the run's status. */
import { dirname, resolve } from 'node:path';
import { expectPositionals, HELP_OPTION, parseCommandArgs, positiveInteger, type Command } from '../args.js';
import { FOLLOW_HELP, FOLLOW_OPTIONS, followRun } from '../follow-run.js';
import { collectInputs } from '../inputs.js';
import { customExecutorsOf } from '../running-tasks.js';
import { openStore } from '../store-location.js';
import { loadWorkflowFile, openWorkspace } from '../workspace.js';

const HELP = `Usage: weft run FILE [options]

Runs the workflow in FILE. Progress goes to stderr; with --json, stdout is the
run result as one JSON document.

Options:
  --input NAME=VALUE   set an input (repeatable); VALUE is read as the input's
                       declared type (numbers, booleans, JSON arrays/objects)
  --inputs FILE        read inputs from a JSON or YAML map (--input wins)
  --config FILE        use this weft.config.mjs (default: beside FILE, then ./)
  --concurrency N      run at most N tasks at once
  --store PATH         record the run here (default: .weft/weft.db in the
                       workflow's project, or $WEFT_STORE)
  --redis URL          queue tasks in this Redis for \`weft worker\` processes
                       to run, instead of running them here
                       (with $WEFT_QUEUE_KEY, the key workers share, their
                       data is encrypted; a run with secrets needs it)
${FOLLOW_HELP}
  -h, --help           show this help

Exit codes: 0 succeeded, 1 failed, 2 invalid workflow/inputs/usage/config,
3 waiting, 70 an exception escaped an executor (\`weft resume RUN_ID\` carries
on), 130 cancelled (Ctrl-C).`;

const OPTIONS = {
  ...HELP_OPTION,
  ...FOLLOW_OPTIONS,
  input: { type: 'string', multiple: true },
  inputs: { type: 'string' },
  config: { type: 'string' },
  concurrency: { type: 'string' },
  store: { type: 'string' },
  redis: { type: 'string' },
} as const;

export const runCommand: Command = {
  name: 'run',
  summary: 'run a workflow',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    const [file = ''] = expectPositionals(positionals, ['FILE'], HELP);
    const maxConcurrency = positiveInteger('concurrency', values.concurrency);
    // Not created until the run writes to it: a workflow, inputs or secrets that stop the run first leave no store behind.
    const store = openStore({ flag: values.store, workflowFile: file });
    const { engine, config, close } = await openWorkspace({ workflowFile: file, configFile: values.config, maxConcurrency, store, redis: values.redis });
    try {
      const workflow = await loadWorkflowFile(engine, file);
      const inputs = collectInputs(workflow.inputs, values.inputs, values.input);
      const start = () => engine.start(workflow, { inputs, workdir: dirname(resolve(file)) });
      return await followRun(start, {
        workflow,
        flags: values,
        maxConcurrency,
        store,
        circuits: engine.circuits,
        configAlerts: config.alerts,
        customExecutors: customExecutorsOf(config),
        remote: values.redis !== undefined,
      });
    } finally {
      await close();
    }
  },
};
