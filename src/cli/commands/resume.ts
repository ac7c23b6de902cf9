/** `weft resume RUN_ID`: carries on with an interrupted or waiting run from the store. */
import { existsSync } from 'node:fs';
import { expectPositionals, HELP_OPTION, parseCommandArgs, positiveInteger, type Command } from '../args.js';
import { FOLLOW_HELP, FOLLOW_OPTIONS, followRun, type FollowFlags } from '../follow-run.js';
import { DrivingStore } from '../driving-store.js';
import { customExecutorsOf } from '../running-tasks.js';
import { requireRun, storePath } from '../store-location.js';
import { openWorkspace } from '../workspace.js';

const HELP = `Usage: weft resume RUN_ID [options]

Carries on with a run that was interrupted (a crash, Ctrl-C) or is waiting for
an approval. Tasks that ended keep their results and never run again; tasks
that were running when the process died run again as their next attempt. The
run uses the workflow definition stored when it started.

Options:
  --config FILE        use this weft.config.mjs (default: beside the run's
                       workflow file, then ./)
  --concurrency N      run at most N tasks at once
  --store PATH         the run store (default: .weft/weft.db in the project
                       around the current directory, or $WEFT_STORE)
  --redis URL          queue tasks in this Redis for \`weft worker\` processes
                       (with $WEFT_QUEUE_KEY, the key workers share, their
                       data is encrypted; a run with secrets needs it)
${FOLLOW_HELP}
  -h, --help           show this help

Exit codes: as weft run: 0 succeeded, 1 failed, 2 no such run / not resumable /
driven by another process, 3 waiting, 70 an exception escaped an executor
(resume again), 130 cancelled.`;

const OPTIONS = {
  ...HELP_OPTION,
  ...FOLLOW_OPTIONS,
  config: { type: 'string' },
  concurrency: { type: 'string' },
  store: { type: 'string' },
  redis: { type: 'string' },
} as const;

export interface ResumeRequest extends FollowFlags {
  runId: string;
  store?: string;
  config?: string;
  concurrency?: number;
  redis?: string;
}

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'carry on with an interrupted or waiting run',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    const [runId = ''] = expectPositionals(positionals, ['RUN_ID'], HELP);
    return resumeRun({ ...values, runId, concurrency: positiveInteger('concurrency', values.concurrency) });
  },
};

/** Resumes a stored run with live progress; used by `resume` and `approve --resume`. */
export async function resumeRun(request: ResumeRequest): Promise<number> {
  const file = storePath({ flag: request.store });
  const store = existsSync(file) ? new DrivingStore(file) : undefined;
  const record = requireRun(store, file, request.runId);
  const { engine, config, close } = await openWorkspace({
    workflowFile: record.definition?.file,
    configFile: request.config,
    maxConcurrency: request.concurrency,
    store,
    redis: request.redis,
  });
  try {
    // Throws RUN_NOT_RESUMABLE, saying why: a run stored without its definition cannot be resumed.
    if (!record.definition) engine.resume(request.runId);
    // Parsed here too, so the observers are ready before the run takes its first step.
    const workflow = engine.parse(record.definition!.text, record.definition!.file);
    const start = () => engine.resume(request.runId);
    return await followRun(start, {
      workflow,
      flags: request,
      maxConcurrency: request.concurrency,
      store,
      circuits: engine.circuits,
      configAlerts: config.alerts,
      customExecutors: customExecutorsOf(config),
      remote: request.redis !== undefined,
    });
  } finally {
    await close();
  }
}
