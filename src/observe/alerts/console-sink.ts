/** Alerts as lines on a stream (stderr by default). */
import type { Alert, AlertSink } from './alert.js';

export function consoleSink(stream: { write(text: string): unknown } = process.stderr): AlertSink {
  return {
    name: 'console',
    async send(alert: Alert) {
      stream.write(`ALERT [${alert.severity}] ${alert.kind}: ${alert.message}\n`);
    },
  };
}
