/**
 * Seeing what runs: per-attempt timelines, insights (critical path, bottlenecks,
 * lower bound), Prometheus metrics, alerts, the HTML run report and JSON logs.
 */
export { baseTaskId, effectiveConcurrency, TimelineRecorder, type AttemptRecord, type AttemptStatus, type RecorderOptions, type RunEventSource, type Timeline } from './timeline.js';
export {
  computeInsights,
  makespan,
  peakRunning,
  unionLength,
  type CriticalPath,
  type ExecutorInsight,
  type LimitInsight,
  type RetryInsight,
  type RunInsights,
  type TaskInsight,
  type WorkflowGraph,
} from './insights.js';
export { findCriticalPath } from './critical-path.js';
export { formatInsights, type InsightsTextOptions, type Painter } from './insights-text.js';
export { loadTimeline, saveTimeline, timelineFromRecord, timelinePath, TIMELINES_DIR } from './stored-timeline.js';
export { LogTails, DEFAULT_TAIL_LINES } from './log-tails.js';
export { CIRCUIT_STATE_VALUES, WeftMetrics, type CircuitState, type MetricsOptions, type ObserveOptions } from './metrics.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './metrics-server.js';
export * from './alerts/index.js';
export * from './report/index.js';
export { createRunLogger, type RunLogger, type RunLoggerOptions } from './run-logger.js';
export { graphFromYaml, viewStoredRun, type StoredRunSources, type StoredRunView, type TaskShape } from './stored-run.js';
export { RunObservers, type RunObserversOptions, type RunOutcome } from './run-observers.js';
