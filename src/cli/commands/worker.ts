/** `weft worker --redis URL`: runs executors for tasks that coordinators queue in Redis. */
import { UsageError } from '../../engine/errors.js';
import { runWorker } from '../../scale/index.js';
import { checkRedisUrl, redactUrl } from '../../scale/redis-connection.js';
import { expectPositionals, HELP_OPTION, parseCommandArgs, positiveInteger, type Command } from '../args.js';
import { ExitCode } from '../failure.js';
import { customExecutorsOf, RunningTasks } from '../running-tasks.js';
import { watchForCrash } from '../uncaught-exception.js';
import { openWorkspace } from '../workspace.js';

const HELP = `Usage: weft worker --redis URL [options]

Takes tasks from the BullMQ queues in Redis that \`weft run --redis URL\` fills,
and runs them: one queue per executor (weft-<executor>), so a worker only ever
takes tasks it has the executor for. Runs until Ctrl-C or SIGTERM, which let
running tasks finish (a second one stops at once). An exception that an
executor leaves uncaught stops the worker with exit code 70; its tasks are
retried elsewhere under their retry policies.

Options:
  --redis URL              the Redis that coordinators use (redis://HOST:PORT)
  --config FILE            use this weft.config.mjs (default: ./weft.config.mjs)
  --executors A,B          run only these executors (default: all it has)
  --concurrency N          run at most N tasks of each executor at once (default 1)
  --workdir DIR            run tasks in DIR instead of the coordinator's directory
  --max-output-bytes N     fail tasks whose outputs exceed N bytes as JSON
                           (default 8388608)
  --lock-duration MS       how soon a dead worker's task is noticed and retried
                           (default 30000)

Environment:
  WEFT_QUEUE_KEY           the coordinators' queue key (32 bytes, base64 or hex):
                           task data and results travel encrypted through Redis
  -h, --help               show this help`;

const OPTIONS = {
  ...HELP_OPTION,
  redis: { type: 'string' },
  config: { type: 'string' },
  executors: { type: 'string' },
  concurrency: { type: 'string' },
  workdir: { type: 'string' },
  'max-output-bytes': { type: 'string' },
  'lock-duration': { type: 'string' },
} as const;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run tasks queued in Redis by `weft run --redis`',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP);
    expectPositionals(positionals, [], HELP);
    if (values.redis === undefined) throw new UsageError(`weft worker needs --redis URL\n\n${HELP}`);
    const redis = checkRedisUrl(values.redis);
    const lockDurationMs = positiveInteger('lock-duration', values['lock-duration']);
    const { engine, config } = await openWorkspace({ configFile: values.config });
    const running = new RunningTasks(customExecutorsOf(config));
    const worker = await runWorker({
      redis,
      executors: engine.executors().map((executor) => running.track(executor)),
      only: values.executors?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
      concurrency: positiveInteger('concurrency', values.concurrency),
      workdir: values.workdir,
      workspaceRoots: config.workspaceRoots,
      maxOutputBytes: positiveInteger('max-output-bytes', values['max-output-bytes']),
      lockDurationMs,
      stalledIntervalMs: lockDurationMs,
      queueKey: process.env.WEFT_QUEUE_KEY,
    });
    process.stderr.write(`weft worker: listening on ${worker.queues.join(', ')} at ${redactUrl(redis)} (pid ${process.pid})\n`);
    watchForCrash({
      describe: () => running.describe({ withRunIds: true }),
      advice: () => [`once this worker's job locks lapse (--lock-duration, ${lockDurationMs ?? 30_000} ms), each run counts its task's attempt as lost (WORKER_LOST) and retries it by the task's retry policy`],
      handOver: () => undefined,
    });
    return untilSignal(async (force) => {
      if (!force) process.stderr.write('weft worker: letting running tasks finish (press Ctrl-C again to stop at once)\n');
      await worker.close(force);
    });
  },
};

/** Resolves with the exit code once a signal asked the worker to stop and it has. */
function untilSignal(stop: (force: boolean) => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    const handler = () => {
      received++;
      if (received > 1) {
        void stop(true).finally(() => resolve(ExitCode.CANCELLED));
        return;
      }
      void stop(false).then(() => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
        resolve(0);
      });
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
