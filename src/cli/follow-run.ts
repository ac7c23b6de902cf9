/**
 * Watching a run from the command line, the same for `weft run` and `weft resume`:
 * progress on stderr, the observers (timeline, insights, report, metrics, JSON
 * logs, alerts), Ctrl-C handling, and the exit code from the run's status.
 */
import { resolve } from 'node:path';
import type { CircuitBreakers } from '../engine/circuit-breaker.js';
import { UsageError } from '../engine/errors.js';
import type { Run } from '../engine/run.js';
import type { CompiledWorkflow } from '../engine/types.js';
import { loadAlertsFile } from '../observe/alerts/alerts-file.js';
import { AlertsConfigError, parseAlertsConfig, type AlertsConfig } from '../observe/alerts/rules.js';
import { formatInsights } from '../observe/insights-text.js';
import { RunObservers } from '../observe/run-observers.js';
import { positiveInteger } from './args.js';
import type { DrivingStore } from './driving-store.js';
import { exitCodeForStatus } from './failure.js';
import { ProgressReporter, type ProgressMode } from './progress.js';
import { RunningTasks, type CustomExecutors } from './running-tasks.js';
import { cancelOnSignal } from './signals.js';
import { storePath } from './store-location.js';
import { createStyle, formatDuration, shouldColor } from './style.js';
import { watchForCrash, type CrashWatch } from './uncaught-exception.js';

/** The flags every command that drives a run takes. */
export const FOLLOW_OPTIONS = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  report: { type: 'string' },
  'metrics-port': { type: 'string' },
  'log-format': { type: 'string' },
  alerts: { type: 'string' },
} as const;

export const FOLLOW_HELP = `  --json               print the run result as JSON on stdout
  --quiet              print only the summary
  --report FILE        write the run as a self-contained HTML report
  --metrics-port N     serve Prometheus metrics at http://127.0.0.1:N/metrics
                       while the run goes
  --log-format FORMAT  human (default) or json: one JSON object per event on
                       stderr, each with runId and taskId
  --alerts FILE        alert rules and sinks (YAML/JSON; see
                       docs/observability.md), besides those of the workflow
                       and weft.config.mjs`;

export interface FollowFlags {
  json?: boolean;
  quiet?: boolean;
  report?: string;
  'metrics-port'?: string;
  'log-format'?: string;
  alerts?: string;
}

export interface FollowContext {
  workflow: CompiledWorkflow;
  flags: FollowFlags;
  maxConcurrency?: number;
  /** Where the run is recorded; handed over to `weft resume` if an exception escapes. */
  store?: DrivingStore;
  circuits?: CircuitBreakers;
  /** The `alerts` of weft.config.mjs, already checked. */
  configAlerts?: AlertsConfig;
  /** The executors of weft.config.mjs: the likely culprits when an exception escapes. */
  customExecutors?: CustomExecutors;
  /** Tasks run on `weft worker` processes (`--redis`), not in this one. */
  remote?: boolean;
}

/** Where the human progress goes when stderr carries JSON logs instead. */
const SILENT = { write: () => true };

/** Starts the run with `start` once everything that watches it is ready, and follows it to the end. */
export async function followRun(start: () => Run, context: FollowContext): Promise<number> {
  const { flags, workflow } = context;
  const logFormat = flags['log-format'] ?? 'human';
  if (logFormat !== 'human' && logFormat !== 'json') throw new UsageError(`--log-format expects human or json, got "${logFormat}"`);
  const observers = await RunObservers.create({
    workflow,
    maxConcurrency: context.maxConcurrency,
    storeFile: context.store?.file,
    metricsPort: positiveInteger('metrics-port', flags['metrics-port']),
    reportFile: flags.report === undefined ? undefined : resolve(flags.report),
    jsonLogs: logFormat === 'json' && {},
    alerts: alertsFor(workflow, flags.alerts, context.configAlerts),
    onAlertError: (error) => process.stderr.write(`weft: ${error.message}\n`),
  });
  if (context.circuits) observers.watchCircuits(context.circuits);
  const stderr = process.stderr;
  const mode: ProgressMode = flags.quiet ? 'quiet' : stderr.isTTY ? 'live' : 'plain';
  const style = createStyle(shouldColor(stderr));
  const reporter = new ProgressReporter({ mode, style, stream: logFormat === 'json' ? SILENT : stderr });
  let run: Run;
  try {
    run = start();
  } catch (error) {
    await observers.close();
    throw error;
  }
  for (const notice of run.notices) reporter.note(notice);
  reporter.attach(run);
  observers.attach(run);
  const running = new RunningTasks(context.customExecutors ?? { names: new Set() }, context.remote ? 'on workers' : 'in this process');
  running.follow(run, workflow, reporter.board);
  const unwatch = watchForCrash(crashWatch(run, running, reporter, context.store));
  const release = cancelOnSignal(
    () => run.cancel(),
    (text) => reporter.note(text),
  );
  try {
    const result = await run.result;
    reporter.finish(result);
    const outcome = observers.finish(result);
    if (logFormat === 'human' && mode !== 'quiet') stderr.write(`${formatInsights(outcome.insights, style, { duration: formatDuration, maxTasks: 5 }).join('\n')}\n`);
    if (outcome.reportFile !== undefined && logFormat === 'human') stderr.write(`report written to ${outcome.reportFile}\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return exitCodeForStatus(result.status);
  } finally {
    unwatch();
    reporter.stop();
    release();
    await observers.close();
  }
}

/** If an exception escapes while the run goes: what to report, and how to leave the run for `weft resume`. */
function crashWatch(run: Run, running: RunningTasks, reporter: ProgressReporter, store: DrivingStore | undefined): CrashWatch {
  const storeFlag = store && store.file !== storePath() ? ` --store ${store.file}` : '';
  return {
    describe: () => running.describe(),
    advice: () => [
      store
        ? `run ${run.id} is saved as far as it got: \`weft resume ${run.id}${storeFlag}\` carries on from there (tasks that ended do not run again)`
        : `run ${run.id} was not recorded, so it cannot be resumed; run it again`,
    ],
    mask: run.mask && ((text) => run.mask!.text(text)),
    handOver: () => {
      reporter.stop();
      store?.handOver();
    },
  };
}

/** The alerts of the config, the workflow and `--alerts`, together; none when no rule is set anywhere. */
function alertsFor(workflow: CompiledWorkflow, file: string | undefined, configAlerts: AlertsConfig | undefined): AlertsConfig | undefined {
  const sections: AlertsConfig[] = [];
  if (configAlerts) sections.push(configAlerts);
  if (workflow.alerts) sections.push(checked(() => parseAlertsConfig(workflow.alerts, `${workflow.file} alerts`)));
  if (file !== undefined) sections.push(checked(() => loadAlertsFile(resolve(file))));
  if (sections.length === 0) return undefined;
  const written = sections.flatMap((section) => section.sinks);
  return {
    rules: sections.flatMap((section) => section.rules),
    sinks: dedupeSinks(written),
    dedupeMs: Math.min(...sections.map((section) => section.dedupeMs)),
  };
}

/** Each section defaults to the console; one console sink is enough. */
function dedupeSinks(sinks: AlertsConfig['sinks']): AlertsConfig['sinks'] {
  const seen = new Set<string>();
  return sinks.filter((sink) => {
    const key = JSON.stringify(sink);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A bad alerts section is a usage problem (exit 2), like a bad config. */
function checked(parse: () => AlertsConfig): AlertsConfig {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AlertsConfigError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}
