/** `weft approve` and `weft reject`: a person's decision on a task that waits for one. */
import { recordDecision } from '../../engine/approvals.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, type Command } from '../args.js';
import { openExistingStore, requireRun, storePath } from '../store-location.js';
import { resumeRun } from './resume.js';

const OPTIONS = {
  ...HELP_OPTION,
  comment: { type: 'string', short: 'm' },
  by: { type: 'string' },
  resume: { type: 'boolean' },
  json: { type: 'boolean' },
  store: { type: 'string' },
} as const;

function help(verb: 'approve' | 'reject'): string {
  const effect =
    verb === 'approve'
      ? 'When the run resumes, the task succeeds with the decision as its outputs.'
      : 'When the run resumes, the task fails with REJECTED, so trigger rules route the run.';
  return `Usage: weft ${verb} RUN_ID TASK [options]

Records that you ${verb} TASK, an approval task the run is waiting on.
${effect}

Options:
  -m, --comment TEXT   say why; kept with the decision
  --by NAME            who decides (default: your user name)
  --resume             resume the run right away (as weft resume RUN_ID)
  --json               with --resume, print the run result as JSON on stdout
  --store PATH         the run store (default: .weft/weft.db in the project
                       around the current directory, or $WEFT_STORE)
  -h, --help           show this help`;
}

function decisionCommand(verb: 'approve' | 'reject'): Command {
  const HELP = help(verb);
  return {
    name: verb,
    summary: verb === 'approve' ? 'approve a task that waits for a person' : 'reject a task that waits for a person',
    help: HELP,
    async run(argv) {
      const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
      const [runId = '', taskId = ''] = expectPositionals(positionals, ['RUN_ID', 'TASK'], HELP);
      const file = storePath({ flag: values.store });
      const store = openExistingStore(file);
      try {
        requireRun(store, file, runId);
        const decision = recordDecision(store!, runId, taskId, verb === 'approve', { by: values.by, comment: values.comment });
        process.stderr.write(`${verb === 'approve' ? 'approved' : 'rejected'} ${taskId} of run ${runId} as ${decision.by}\n`);
      } finally {
        store?.close();
      }
      if (values.resume) return resumeRun({ runId, store: values.store, json: values.json });
      process.stderr.write(`carry on with: weft resume ${runId}\n`);
      return 0;
    },
  };
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');
