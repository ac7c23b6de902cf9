/**
 * Alerts POSTed as JSON to a URL, each try bounded by a timeout, failed tries
 * repeated with a growing pause. The payload is the alert and nothing else: no
 * headers, no environment, no inputs; and any secret (a header value, a variable
 * whose name says it is a token) is cut out of its text before it leaves.
 */
import type { Alert, AlertSink } from './alert.js';

export interface WebhookOptions {
  url: string;
  /** Values of the form `env:NAME` are read from `env`. */
  headers?: Record<string, string>;
  /** @default 5000 */
  timeoutMs?: number;
  /** Further tries after the first. @default 2 */
  retries?: number;
  /** Pause before the first retry; doubles each time. @default 250 */
  retryDelayMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class WebhookError extends Error {
  readonly code = 'ALERT_WEBHOOK_FAILED';
}

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL/i;
const SHORTEST_SECRET = 4;

export function webhookSink(options: WebhookOptions): AlertSink {
  const env = options.env ?? process.env;
  const headers = resolveHeaders(options.headers ?? {}, env);
  const secrets = [...Object.values(headers), ...secretEnvValues(env)].filter((s) => s.length >= SHORTEST_SECRET);
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 250;
  return {
    name: `webhook ${new URL(options.url).host}`,
    async send(alert: Alert) {
      const body = redact(JSON.stringify(alert), secrets);
      let problem = '';
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 1)));
        try {
          const response = await fetch(options.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.body?.cancel();
          if (response.ok) return;
          problem = `HTTP ${response.status}`;
          if (response.status < 500 && response.status !== 429) break;
        } catch (error) {
          problem = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
        }
      }
      throw new WebhookError(`alert webhook ${new URL(options.url).host} failed: ${problem}`);
    },
  };
}

function resolveHeaders(headers: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!value.startsWith('env:')) {
      resolved[name] = value;
      continue;
    }
    const variable = value.slice(4);
    const fromEnv = env[variable];
    if (fromEnv === undefined) throw new WebhookError(`webhook header ${name} reads $${variable}, which is not set`);
    resolved[name] = fromEnv;
  }
  return resolved;
}

function secretEnvValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined)
    .map(([, value]) => value!);
}

/** Longest first, so a secret that contains another is cut whole. */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    const encoded = JSON.stringify(secret).slice(1, -1);
    out = out.split(encoded).join('***');
  }
  return out;
}
