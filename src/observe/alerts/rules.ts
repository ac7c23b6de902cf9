/**
 * Alert rules as written in a workflow's or `weft.config.mjs`'s `alerts:`
 * section, checked once with messages that point at the bad part.
 */
import { WeftError } from '../../engine/errors.js';
import { parseDuration } from '../../engine/load/index.js';
import { ALERT_KINDS, type AlertKind } from './alert.js';

export interface AlertRule {
  on: AlertKind;
  /** Only these tasks (task rules); every task when absent. */
  tasks?: string[];
  /** `task_duration`, `run_waiting`: ms. */
  overMs?: number;
  /** `retries`: alert once a task has been retried this many times. */
  atLeast?: number;
}

export type SinkConfig =
  | { type: 'console' }
  | { type: 'file'; path: string }
  | {
      type: 'webhook';
      url: string;
      /** Header values; `env:NAME` reads the variable NAME, so tokens stay out of files. */
      headers?: Record<string, string>;
      timeoutMs?: number;
      /** Further tries after the first fails. */
      retries?: number;
    };

export interface AlertsConfig {
  rules: AlertRule[];
  sinks: SinkConfig[];
  /** The same alert is sent at most once per window. */
  dedupeMs: number;
}

export const DEFAULT_DEDUPE_MS = 10 * 60_000;

export class AlertsConfigError extends WeftError {
  constructor(where: string, message: string) {
    super('ALERTS_INVALID', `${where}: ${message}`);
  }
}

const NEEDS_OVER: ReadonlySet<AlertKind> = new Set(['task_duration', 'run_waiting']);
const TASK_RULES: ReadonlySet<AlertKind> = new Set(['task_failed', 'task_duration', 'retries']);

/** Checks an `alerts:` value; `where` names it in errors (e.g. `weft.config.mjs alerts`). */
export function parseAlertsConfig(value: unknown, where = 'alerts'): AlertsConfig {
  const section = object(value, where, '{ rules: [...], sinks: [...] }');
  for (const key of Object.keys(section)) {
    if (!['rules', 'sinks', 'dedupe'].includes(key)) throw new AlertsConfigError(where, `unknown key \`${key}\`; expected rules, sinks and dedupe`);
  }
  const rules = list(section.rules, `${where}.rules`).map((rule, i) => parseRule(rule, `${where}.rules[${i}]`));
  const sinks = section.sinks === undefined ? [{ type: 'console' as const }] : list(section.sinks, `${where}.sinks`).map((sink, i) => parseSink(sink, `${where}.sinks[${i}]`));
  const dedupeMs = section.dedupe === undefined ? DEFAULT_DEDUPE_MS : duration(section.dedupe, `${where}.dedupe`);
  return { rules, sinks, dedupeMs };
}

function parseRule(value: unknown, where: string): AlertRule {
  const raw = object(value, where, '{ on: task_failed }');
  const on = raw.on;
  if (typeof on !== 'string' || !(ALERT_KINDS as readonly string[]).includes(on)) {
    throw new AlertsConfigError(where, `\`on\` must be one of ${ALERT_KINDS.join(', ')}, got ${JSON.stringify(on)}`);
  }
  const kind = on as AlertKind;
  const rule: AlertRule = { on: kind };
  if (NEEDS_OVER.has(kind)) {
    if (raw.over === undefined) throw new AlertsConfigError(where, `\`${kind}\` needs \`over\`, a duration such as 5m`);
    rule.overMs = duration(raw.over, `${where}.over`);
  }
  if (kind === 'retries') {
    if (typeof raw.atLeast !== 'number' || !Number.isInteger(raw.atLeast) || raw.atLeast < 1) {
      throw new AlertsConfigError(where, `\`retries\` needs \`atLeast\`, a positive integer, got ${JSON.stringify(raw.atLeast)}`);
    }
    rule.atLeast = raw.atLeast;
  }
  if (raw.tasks !== undefined) {
    if (!TASK_RULES.has(kind)) throw new AlertsConfigError(where, `\`tasks\` applies only to task rules (${[...TASK_RULES].join(', ')})`);
    if (!Array.isArray(raw.tasks) || !raw.tasks.every((t) => typeof t === 'string')) {
      throw new AlertsConfigError(where, '`tasks` must be a list of task ids');
    }
    rule.tasks = raw.tasks as string[];
  }
  return rule;
}

function parseSink(value: unknown, where: string): SinkConfig {
  const raw = object(value, where, '{ type: console }');
  switch (raw.type) {
    case 'console':
      return { type: 'console' };
    case 'file':
      if (typeof raw.path !== 'string' || raw.path === '') throw new AlertsConfigError(where, 'a file sink needs `path`, the JSONL file to append to');
      return { type: 'file', path: raw.path };
    case 'webhook': {
      if (typeof raw.url !== 'string' || !/^https?:\/\//.test(raw.url)) {
        throw new AlertsConfigError(where, `a webhook sink needs \`url\` (http or https), got ${JSON.stringify(raw.url)}`);
      }
      const sink: SinkConfig = { type: 'webhook', url: raw.url };
      if (raw.headers !== undefined) {
        const headers = object(raw.headers, `${where}.headers`, '{ authorization: "env:ALERT_TOKEN" }');
        if (!Object.values(headers).every((v) => typeof v === 'string')) throw new AlertsConfigError(`${where}.headers`, 'header values must be strings');
        sink.headers = headers as Record<string, string>;
      }
      if (raw.timeout !== undefined) sink.timeoutMs = duration(raw.timeout, `${where}.timeout`);
      if (raw.retries !== undefined) {
        if (typeof raw.retries !== 'number' || !Number.isInteger(raw.retries) || raw.retries < 0) {
          throw new AlertsConfigError(`${where}.retries`, `expected a whole number of further tries, got ${JSON.stringify(raw.retries)}`);
        }
        sink.retries = raw.retries;
      }
      return sink;
    }
    default:
      throw new AlertsConfigError(where, `\`type\` must be console, file or webhook, got ${JSON.stringify(raw.type)}`);
  }
}

function object(value: unknown, where: string, example: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AlertsConfigError(where, `expected an object like ${example}`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new AlertsConfigError(where, 'expected a list');
  return value;
}

function duration(value: unknown, where: string): number {
  if (typeof value !== 'string' && typeof value !== 'number') throw new AlertsConfigError(where, `expected a duration such as 30s or 5m, got ${JSON.stringify(value)}`);
  try {
    return parseDuration(value);
  } catch (error) {
    throw new AlertsConfigError(where, (error as Error).message);
  }
}
