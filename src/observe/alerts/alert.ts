/** What an alert is, and where alerts go. */

export const ALERT_KINDS = ['run_failed', 'task_failed', 'task_duration', 'retries', 'circuit_open', 'run_waiting'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type Severity = 'critical' | 'warning';

export interface Alert {
  kind: AlertKind;
  severity: Severity;
  /** One line a person can act on. */
  message: string;
  workflow?: string;
  runId?: string;
  taskId?: string;
  /** The executor, for `circuit_open`. */
  executor?: string;
  /** ISO time the alert was raised. */
  at: string;
  /** Identifies "the same alert" for de-duplication. */
  key: string;
}

/** Somewhere alerts are delivered. `send` must not throw for a delivery failure it can report itself. */
export interface AlertSink {
  readonly name: string;
  send(alert: Alert): Promise<void>;
}
