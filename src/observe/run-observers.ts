/**
 * Everything that watches one run from the command line, wired in one place:
 * the timeline (saved beside the store for `weft insights`/`weft report`), log
 * tails, `/metrics`, JSON logs, alerts and the HTML report at the end. prom-client and
 * pino are loaded only when asked for, so a plain `weft run` starts no slower.
 */
import type { CircuitBreakers } from '../engine/circuit-breaker.js';
import type { CompiledWorkflow, RunResult } from '../engine/types.js';
import { createAlertManager, type AlertManager, type AlertsConfig } from './alerts/index.js';
import { computeInsights, type RunInsights } from './insights.js';
import { LogTails } from './log-tails.js';
import type { WeftMetrics } from './metrics.js';
import type { MetricsServer } from './metrics-server.js';
import { writeReport } from './report/index.js';
import type { RunLogger, RunLoggerOptions } from './run-logger.js';
import { saveTimeline } from './stored-timeline.js';
import { effectiveConcurrency, TimelineRecorder, type RunEventSource } from './timeline.js';

export interface RunObserversOptions {
  workflow: CompiledWorkflow;
  /** The engine's `maxConcurrency`, if set. */
  maxConcurrency?: number;
  /** The store's file: the timeline is saved beside it. */
  storeFile?: string;
  /** Serve `/metrics` on this port (0: any free port). */
  metricsPort?: number;
  metricsHost?: string;
  /** Write the HTML report here when the run ends. */
  reportFile?: string;
  /** Log run events as JSON lines. */
  jsonLogs?: RunLoggerOptions | false;
  alerts?: AlertsConfig;
  /** Told when an alert could not be delivered. */
  onAlertError?: (error: Error) => void;
}

export interface RunOutcome {
  insights: RunInsights;
  /** Where the timeline was saved, if it was. */
  timelineFile?: string;
  reportFile?: string;
}

export class RunObservers {
  readonly recorder: TimelineRecorder;
  readonly logs = new LogTails();
  metrics?: WeftMetrics;
  metricsServer?: MetricsServer;
  private logger?: RunLogger;
  private alerts?: AlertManager;

  private constructor(private readonly options: RunObserversOptions) {
    const concurrency = effectiveConcurrency(options.workflow.concurrency, options.maxConcurrency);
    this.recorder = new TimelineRecorder(options.workflow, concurrency === undefined ? {} : { concurrency });
    if (options.alerts) this.alerts = createAlertManager(options.alerts, { onError: (error) => options.onAlertError?.(error) });
  }

  /** Starts the metrics server (if asked) before the run, so a scrape never misses its start. */
  static async create(options: RunObserversOptions): Promise<RunObservers> {
    const observers = new RunObservers(options);
    if (options.metricsPort !== undefined) {
      const [{ WeftMetrics }, { startMetricsServer }] = await Promise.all([import('./metrics.js'), import('./metrics-server.js')]);
      observers.metrics = new WeftMetrics();
      observers.metricsServer = await startMetricsServer({ registry: observers.metrics.registry, port: options.metricsPort, host: options.metricsHost });
    }
    if (options.jsonLogs) observers.logger = (await import('./run-logger.js')).createRunLogger(options.jsonLogs);
    return observers;
  }

  attach(run: RunEventSource): void {
    this.recorder.attach(run);
    this.logs.attach(run);
    this.metrics?.observe(run, this.options.workflow);
    this.logger?.attach(run);
    this.alerts?.watch(run);
  }

  /** Feeds circuit-breaker changes to the metrics and the `circuit_open` alert rule. */
  watchCircuits(circuits: CircuitBreakers): void {
    circuits.on('circuit:change', ({ executor, state, failures }) => {
      this.metrics?.setCircuitState(executor, state);
      if (state === 'open') this.alerts?.circuitOpened(executor, `${failures} consecutive failures`);
    });
  }

  /** Computes the insights, saves the timeline and writes the report. */
  finish(result: RunResult): RunOutcome {
    const { timeline } = this.recorder;
    const { workflow, storeFile, reportFile } = this.options;
    const insights = computeInsights(timeline, workflow);
    const outcome: RunOutcome = { insights };
    if (storeFile !== undefined) outcome.timelineFile = saveTimeline(storeFile, timeline);
    if (reportFile !== undefined) {
      writeReport(reportFile, { result, workflow, timeline, insights, logs: this.logs.toRecord() });
      outcome.reportFile = reportFile;
    }
    return outcome;
  }

  /** Waits for alerts in flight and stops serving metrics. */
  async close(): Promise<void> {
    await this.alerts?.flush();
    await this.metricsServer?.close();
  }
}
