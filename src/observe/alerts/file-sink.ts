/** Alerts appended to a JSONL file, one alert per line, for tools that tail it. */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert, AlertSink } from './alert.js';

export function fileSink(path: string): AlertSink {
  let ready: Promise<unknown> | undefined;
  return {
    name: `file ${path}`,
    async send(alert: Alert) {
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      await appendFile(path, `${JSON.stringify(alert)}\n`);
    },
  };
}
