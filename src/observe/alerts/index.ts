/** Alerts: rules on run events, de-duplicated, delivered to console, JSONL file or webhook sinks. */
import type { AlertSink } from './alert.js';
import { AlertManager, type AlertManagerOptions } from './alert-manager.js';
import { consoleSink } from './console-sink.js';
import { fileSink } from './file-sink.js';
import type { AlertsConfig, SinkConfig } from './rules.js';
import { webhookSink } from './webhook-sink.js';

export { ALERT_KINDS, type Alert, type AlertKind, type AlertSink, type Severity } from './alert.js';
export { AlertManager, type AlertManagerOptions, type WaitingRun } from './alert-manager.js';
export { loadAlertsFile } from './alerts-file.js';
export { consoleSink } from './console-sink.js';
export { DedupeWindow } from './dedupe.js';
export { fileSink } from './file-sink.js';
export { AlertsConfigError, DEFAULT_DEDUPE_MS, parseAlertsConfig, type AlertRule, type AlertsConfig, type SinkConfig } from './rules.js';
export { WebhookError, webhookSink, type WebhookOptions } from './webhook-sink.js';

/** The sink a config entry describes. */
export function createSink(config: SinkConfig, env: NodeJS.ProcessEnv = process.env): AlertSink {
  switch (config.type) {
    case 'console':
      return consoleSink();
    case 'file':
      return fileSink(config.path);
    case 'webhook':
      return webhookSink({ ...config, env });
  }
}

/** An AlertManager for a checked `alerts:` section. */
export function createAlertManager(config: AlertsConfig, options: Pick<AlertManagerOptions, 'onError' | 'now'> = {}): AlertManager {
  return new AlertManager({ rules: config.rules, sinks: config.sinks.map((sink) => createSink(sink)), dedupeMs: config.dedupeMs, ...options });
}
