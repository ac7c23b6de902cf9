/**
 * The workflow as written in YAML, field for field with schemas/workflow.schema.json
 * (a test keeps the two in step). The loader compiles this into `CompiledWorkflow`.
 */
import type { CircuitBreakerOptions, Duration, RetryOptions, TriggerRule } from '../types.js';

export type InputType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

/** Environment values; numbers and booleans become text. */
export type EnvDefinition = Record<string, string | number | boolean>;

export interface InputDefinition {
  /** @default 'string' */
  type?: InputType;
  description?: string;
  /** @default false */
  required?: boolean;
  default?: unknown;
  enum?: unknown[];
}

/** Where a secret's value is read when a run starts: exactly one of `env` and `file`. */
export interface SecretDefinition {
  /** An environment variable of the process that starts the run. */
  env?: string;
  /** A file, relative to the workflow file's directory and inside it. */
  file?: string;
}

/** The retry policy as written: every field optional, merged field by field. */
export type RetryDefinition = RetryOptions;

export interface DefaultsDefinition {
  retry?: RetryDefinition;
  timeout?: Duration;
}

/** When a circuit breaker opens and how long it stays open. */
export type CircuitBreakerDefinition = CircuitBreakerOptions;

/** An executor to run instead once the task has failed after its retries. */
export interface FallbackDefinition {
  uses: string;
  with?: Record<string, unknown>;
}

export interface TaskDefinition {
  description?: string;
  /** The executor; `shell` when only `run` is given. */
  uses?: string;
  /** Shorthand for `uses: shell` with `with: { run }`. */
  run?: string;
  with?: Record<string, unknown>;
  needs?: string | string[];
  /** @default 'all_success' */
  trigger?: TriggerRule;
  /** An expression, with or without `${{ }}`, or a boolean. */
  if?: string | boolean;
  /** A list, or one expression giving a list. */
  forEach?: unknown[] | string;
  env?: EnvDefinition;
  retry?: RetryDefinition;
  timeout?: Duration;
  /** @default false */
  continueOnError?: boolean;
  fallback?: FallbackDefinition;
  resources?: Record<string, number>;
  /** @default 0 */
  priority?: number;
}

/** An alert rule as written; see docs/observability.md. */
export interface AlertRuleDefinition {
  on: 'run_failed' | 'task_failed' | 'task_duration' | 'retries' | 'circuit_open' | 'run_waiting';
  tasks?: string[];
  over?: Duration;
  atLeast?: number;
}

/** Where alerts go, as written. */
export interface AlertSinkDefinition {
  type: 'console' | 'file' | 'webhook';
  path?: string;
  url?: string;
  headers?: Record<string, string>;
  timeout?: Duration;
  retries?: number;
}

/** The `alerts:` section; the CLI's observers read it, the engine does not. */
export interface AlertsDefinition {
  rules?: AlertRuleDefinition[];
  sinks?: AlertSinkDefinition[];
  dedupe?: Duration;
}

export interface WorkflowDefinition {
  name: string;
  description?: string;
  inputs?: Record<string, InputDefinition>;
  env?: EnvDefinition;
  secrets?: Record<string, SecretDefinition>;
  defaults?: DefaultsDefinition;
  concurrency?: number;
  resources?: Record<string, number>;
  /** @default false */
  failFast?: boolean;
  timeout?: Duration;
  circuitBreakers?: Record<string, CircuitBreakerDefinition>;
  alerts?: AlertsDefinition;
  tasks: Record<string, TaskDefinition>;
  outputs?: Record<string, unknown>;
}
