/** `weft run FILE`: runs a workflow, shows progress on stderr, exits by the run's status. */
import { dirname, resolve } from 'node:path';
import { expectPositionals, HELP_OPTION, parseCommandArgs, positiveInteger, type Command } from '../args.js';
import { exitCodeForStatus } from '../failure.js';
import { collectInputs } from '../inputs.js';
import { ProgressReporter, type ProgressMode } from '../progress.js';
import { cancelOnSignal } from '../signals.js';
import { createStyle, shouldColor } from '../style.js';
import { loadWorkflowFile, openWorkspace } from '../workspace.js';

const HELP = `Usage: weft run FILE [options]

Runs the workflow in FILE. Progress goes to stderr; with --json, stdout is the
run result as one JSON document.

Options:
  --input NAME=VALUE   set an input (repeatable); VALUE is read as the input's
                       declared type (numbers, booleans, JSON arrays/objects)
  --inputs FILE        read inputs from a JSON or YAML map (--input wins)
  --json               print the run result as JSON on stdout
  --config FILE        use this weft.config.mjs (default: beside FILE, then ./)
  --concurrency N      run at most N tasks at once
  --quiet              print only the summary
  -h, --help           show this help

Exit codes: 0 succeeded, 1 failed, 2 invalid workflow/inputs/usage/config,
3 waiting, 130 cancelled (Ctrl-C).`;

const OPTIONS = {
  ...HELP_OPTION,
  input: { type: 'string', multiple: true },
  inputs: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  concurrency: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const runCommand: Command = {
  name: 'run',
  summary: 'run a workflow',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    const [file = ''] = expectPositionals(positionals, ['FILE'], HELP);
    const maxConcurrency = positiveInteger('concurrency', values.concurrency);
    const { engine } = await openWorkspace({ workflowFile: file, configFile: values.config, maxConcurrency });
    const workflow = await loadWorkflowFile(engine, file);
    const inputs = collectInputs(workflow.inputs, values.inputs, values.input);

    const stderr = process.stderr;
    const mode: ProgressMode = values.quiet ? 'quiet' : stderr.isTTY ? 'live' : 'plain';
    const reporter = new ProgressReporter({ mode, style: createStyle(shouldColor(stderr)), stream: stderr });
    const run = engine.start(workflow, { inputs, workdir: dirname(resolve(file)) });
    reporter.attach(run);
    const release = cancelOnSignal(
      () => run.cancel(),
      (text) => reporter.note(text),
    );
    try {
      const result = await run.result;
      reporter.finish(result);
      if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return exitCodeForStatus(result.status);
    } finally {
      reporter.stop();
      release();
    }
  },
};
