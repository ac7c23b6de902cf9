/**
 * The shapes that cross module boundaries: what the loader hands the scheduler
 * (`CompiledWorkflow`), and what a run hands back (`RunResult`).
 *
 * The scheduler only ever sees the compiled form; it knows nothing of YAML.
 */

/** A duration: a string with a unit (`150ms`, `2s`, `5m`, `1h`) or a number of milliseconds. */
export type Duration = string | number;

export const TERMINAL_STATUSES = ['succeeded', 'failed', 'skipped', 'upstream_failed', 'cancelled'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export type TaskStatus = 'pending' | 'queued' | 'running' | 'retrying' | 'waiting' | TerminalStatus;

export type RunStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

/** Airflow's trigger rules, with Airflow's semantics (see docs/workflow-language.md). */
export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_skipped',
  'one_success',
  'one_failed',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

export type Backoff = 'fixed' | 'linear' | 'exponential';
export type Jitter = 'none' | 'full' | 'equal';

/** A retry policy as written: every field optional, merged field by field. */
export interface RetryOptions {
  /** Total attempts, including the first. @default 1 */
  maxAttempts?: number;
  /** @default 'fixed' */
  backoff?: Backoff;
  /** Base delay before a retry. @default 0 */
  delay?: Duration;
  /** Growth factor for `exponential` backoff. @default 2 */
  factor?: number;
  /** Upper bound on any computed delay. */
  maxDelay?: Duration;
  /** @default 'none' */
  jitter?: Jitter;
  /** Retry only errors with these codes. */
  retryOn?: string[];
  /** Never retry errors with these codes. */
  abortOn?: string[];
}

/** When a circuit breaker opens and how long it stays open. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  failureThreshold?: number;
  /** How long it stays open before one probe attempt is let through. @default 30s */
  resetAfter?: Duration;
}

/** Where something sits in a workflow file. `line` and `column` are 1-based; both are 0 for a workflow defined as an object (`engine.define`), which has no text. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** The YAML path, e.g. `tasks.build.needs[0]`. */
  path: string;
}

/** What an expression can read. */
export interface ExpressionContext {
  inputs: Record<string, unknown>;
  env: Record<string, string>;
  tasks: Record<string, { status: TaskStatus; outputs: unknown }>;
  run: { id: string };
  workflow: { name: string };
  /** Secret values by name; present only for a workflow that declares `secrets`. */
  secrets?: Record<string, string>;
  item?: unknown;
  index?: number;
}

/**
 * A value from the workflow file that may hold `${{ }}` expressions, compiled once.
 * A string that is exactly one expression keeps the value's type; otherwise it is interpolated.
 */
export interface Template<T = unknown> {
  /** True when the value holds no expression: `evaluate` returns it unchanged. */
  readonly isStatic: boolean;
  /** Task ids the value reads through `tasks.<id>`. */
  readonly taskRefs: readonly string[];
  /** Throws `ExpressionError` when evaluation fails (e.g. `fromJSON` of bad text). */
  evaluate(context: ExpressionContext): T;
}

/** Where a secret's value is read when a run starts: an environment variable, or a file (as written, relative to the workflow's directory). */
export type SecretSource = { env: string } | { file: string };

export interface InputSpec {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  description?: string;
  required: boolean;
  default?: unknown;
  enum?: unknown[];
}

/** An executor to run instead once a task has failed after its retries. */
export interface CompiledFallback {
  uses: string;
  with: Template<Record<string, unknown>>;
  exprEnv: Record<string, Template>;
}

export interface CompiledTask {
  id: string;
  /** Position in the file; the last tie-breaker among ready tasks. */
  order: number;
  /** The executor's name. */
  uses: string;
  /** The executor's input, templated. */
  with: Template<Record<string, unknown>>;
  /** The task's environment (workflow env < task env), templated. */
  env: Template<Record<string, string>>;
  /**
   * Values of expressions found inside script inputs (`run:`), passed to the task as
   * environment variables; the script text references them as `"${WEFT_EXPR_n}"`.
   */
  exprEnv: Record<string, Template>;
  needs: string[];
  trigger: TriggerRule;
  if?: Template;
  forEach?: Template<unknown[]>;
  /** Workflow `defaults.retry` < task `retry`; the executor's default is merged beneath at run time. */
  retry: RetryOptions;
  timeoutMs?: number;
  resources: Record<string, number>;
  priority: number;
  continueOnError: boolean;
  fallback?: CompiledFallback;
  location: SourceLocation;
}

export interface CompiledWorkflow {
  name: string;
  description?: string;
  /** The file it came from (or the name given to `parse` or `define`). */
  file: string;
  /** Built from an object by `define`: `file` is a label, never read as a path. */
  defined?: boolean;
  /** The text it was loaded from, kept so a stored run can be resumed as it was. */
  source?: string;
  inputs: Record<string, InputSpec>;
  /** Where each secret's value comes from; the values themselves are read by `engine.start`, never stored. */
  secrets?: Record<string, SecretSource>;
  concurrency?: number;
  resources: Record<string, number>;
  failFast: boolean;
  timeoutMs?: number;
  /** Circuit-breaker settings by executor name, `resetAfter` in ms. */
  circuitBreakers?: Record<string, CircuitBreakerOptions>;
  /** The `alerts:` section as written (checked against the schema); read by observers, not by the engine. */
  alerts?: Record<string, unknown>;
  /** In file order. */
  tasks: CompiledTask[];
  outputs: Template<Record<string, unknown>>;
  /**
   * For each task (by index into `tasks`), the estimated length in ms of the longest
   * chain of work from its start to the end of the workflow (its own estimate included).
   */
  criticalPath: number[];
  /**
   * For each task (by index into `tasks`), the indexes of the tasks it needs: `needs`
   * resolved once by the loader, so a run wires its graph without looking ids up.
   * Worked out from `needs` when absent.
   */
  needIndexes?: number[][];
  /** The same graph the other way: who needs each task. Set by the loader; worked out from `needIndexes` when absent. */
  dependents?: DependentTable;
}

/** The dependents of task `i` are `list[start[i]]` up to (not including) `list[start[i + 1]]`. */
export interface DependentTable {
  start: Int32Array;
  list: Int32Array;
}

export interface TaskErrorInfo {
  code: string;
  message: string;
  retryable?: boolean;
  exitCode?: number;
  signal?: string;
  details?: unknown;
}

/** A person's decision on an `approval` task. */
export interface ApprovalDecision {
  approved: boolean;
  by: string;
  /** ISO time. */
  at: string;
  comment?: string;
}

export interface TaskResult {
  status: TaskStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  outputs?: unknown;
  error?: TaskErrorInfo;
  skipReason?: string;
  /** For `approval` tasks: the decision, once someone made it. */
  approval?: ApprovalDecision;
  /** Set when the task's `fallback` took over: its executor, from which attempt, and why. */
  fallback?: { uses: string; fromAttempt: number; primaryError: TaskErrorInfo };
}

export interface RunResult {
  runId: string;
  workflow: string;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  error?: TaskErrorInfo;
  /** forEach instances appear as `id[i]` beside their aggregate `id`. */
  tasks: Record<string, TaskResult>;
}
