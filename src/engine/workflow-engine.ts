/**
 * The engine: a registry of executors, engine-wide limits shared by all runs, and
 * the entry points that load workflows and start runs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inProcessDispatcher, type AttemptLayer, type Dispatcher } from './attempt.js';
import { recordDecision, type DecisionOptions } from './approvals.js';
import { UsageError, WeftError } from './errors.js';
import type { Executor } from './executor.js';
import { loadDefinition, loadWorkflow, readWorkflowFile, resolveInputs, type LoadOptions, type WorkflowDefinition } from './load/index.js';
import { CircuitBreakers } from './circuit-breaker.js';
import { planRun } from './run-plan.js';
import { holdLease, newHolderId } from './run-lease.js';
import { RunHistory } from './run-history.js';
import { Run, type RunSetup } from './run.js';
import { SchemaChecker, schemaLayer } from './schema-checker.js';
import { resolveSecrets } from './secrets.js';
import { storableLayer } from './storable.js';
import { Limit, Scheduler } from './scheduler.js';
import { MemoryRunStore, type RunDefinition, type RunRecord, type RunStore } from './store/index.js';
import type { ApprovalDecision, CircuitBreakerOptions, CompiledWorkflow, RunResult } from './types.js';

export interface EngineOptions {
  /** Executors to register at once. */
  executors?: Executor[];
  /** Resource pools shared by all runs of this engine, beside the built-in `cpu` and `memory` (MiB). */
  resources?: Record<string, number>;
  /** Most tasks running at once across all runs. @default unlimited */
  maxConcurrency?: number;
  /** Where runs are recorded. @default a MemoryRunStore */
  store?: RunStore;
  /** How long an executor that ignores its abort signal is waited for before it is abandoned. @default 10000 */
  abandonGraceMs?: number;
  /** Where executors run. @default in this process */
  dispatcher?: Dispatcher;
  /** Circuit-breaker settings by executor name; override the executor's, and a workflow's `circuitBreakers` override these. */
  circuitBreakers?: Record<string, CircuitBreakerOptions>;
  /**
   * Directories besides a run's workdir whose files executors may use (a checkout
   * elsewhere on disk); relative ones start at the current directory. @default none
   */
  workspaceRoots?: readonly string[];
}

export interface StartOptions {
  inputs?: Record<string, unknown>;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  /** Where tasks run. @default process.cwd() */
  workdir?: string;
  /** A run id of your choosing. @default a new unique id */
  runId?: string;
}

export interface ResumeOptions {
  signal?: AbortSignal;
}

/** Thrown by `resume` for a run that cannot be carried on with. */
export class RunNotResumableError extends WeftError {
  constructor(message: string) {
    super('RUN_NOT_RESUMABLE', message);
  }
}

export class WorkflowEngine {
  /** Where this engine records runs: every state change is written here first. */
  readonly store: RunStore;
  /** The runs this engine has recorded: `list(…)`, `get(id)`, `logs(id)`, `prune(date)`. */
  readonly runs: RunHistory;
  /** Circuit breakers by executor; `circuits.on('circuit:change', …)` to watch them. */
  readonly circuits = new CircuitBreakers();
  private readonly registry = new Map<string, Executor>();
  private readonly scheduler = new Scheduler();
  private readonly checker = new SchemaChecker();
  private readonly layers: AttemptLayer[];
  private readonly pools = new Map<string, Limit>();
  private readonly executorSlots = new Map<string, Limit>();
  private readonly engineSlots?: Limit;
  private readonly abandonGraceMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly circuitBreakerSettings: Record<string, CircuitBreakerOptions>;
  private readonly workspaceRoots: readonly string[];
  /** This engine's name when it holds a run's lease. */
  private readonly holder = newHolderId();

  constructor(options: EngineOptions = {}) {
    this.store = options.store ?? new MemoryRunStore();
    this.runs = new RunHistory(this.store);
    this.abandonGraceMs = options.abandonGraceMs ?? 10_000;
    this.dispatcher = options.dispatcher ?? inProcessDispatcher;
    this.circuitBreakerSettings = { ...options.circuitBreakers };
    this.workspaceRoots = absoluteRoots(options.workspaceRoots ?? []);
    this.layers = [this.circuits.layer(), schemaLayer(this.checker), storableLayer];
    const { maxConcurrency } = options;
    if (maxConcurrency !== undefined) {
      requirePositiveInteger(maxConcurrency, 'maxConcurrency');
      this.engineSlots = new Limit('maxConcurrency', maxConcurrency);
    }
    const builtinPools = { cpu: os.availableParallelism(), memory: Math.floor(os.totalmem() / 2 ** 20) };
    for (const [name, capacity] of Object.entries({ ...builtinPools, ...options.resources })) {
      requirePositiveInteger(capacity, `resources.${name}`);
      this.pools.set(name, new Limit(name, capacity));
    }
    for (const executor of options.executors ?? []) this.register(executor);
  }

  /** Adds an executor. A plain object with `name` and `execute` is an executor. */
  register(executor: Executor): this {
    if (!executor || typeof executor.name !== 'string' || !/^[A-Za-z][\w-]*$/.test(executor.name)) {
      throw new UsageError(`an executor needs a name of letters, digits, "-" and "_", got ${JSON.stringify(executor?.name)}`);
    }
    if (typeof executor.execute !== 'function') throw new UsageError(`executor "${executor.name}" has no execute(input, ctx) function`);
    if (this.registry.has(executor.name)) throw new UsageError(`an executor named "${executor.name}" is already registered`);
    if (executor.concurrency !== undefined) {
      requirePositiveInteger(executor.concurrency, `executor "${executor.name}" concurrency`);
      this.executorSlots.set(executor.name, new Limit(`executor ${executor.name}`, executor.concurrency));
    }
    this.checker.validatorsFor(executor);
    this.registry.set(executor.name, executor);
    return this;
  }

  /** Every registered executor, in registration order. */
  executors(): Executor[] {
    return [...this.registry.values()];
  }

  /** Loads a workflow from text. Throws WorkflowValidationError listing every problem. */
  parse(text: string, file = '<workflow>'): CompiledWorkflow {
    return { ...loadWorkflow(text, this.loadOptions(file)), source: text };
  }

  /**
   * Loads a workflow from an object shaped like the YAML, built in code: no text is
   * written or parsed. The object must be plain data and is copied, so changing it
   * later does not change the workflow. Checked as `parse` checks text (executors,
   * pools, expressions, the graph); throws WorkflowValidationError listing every
   * problem, each named by `file` and path, without line and column.
   *
   * Runs of it store the copy as JSON text (JSON is YAML), so `resume` works.
   */
  define(definition: WorkflowDefinition, file = '<definition>'): CompiledWorkflow {
    return loadDefinition(definition, this.loadOptions(file));
  }

  private loadOptions(file: string): LoadOptions {
    const registry = this.registry;
    const resources = Object.fromEntries([...this.pools].map(([name, limit]) => [name, limit.capacity]));
    return { file, resources, executors: { get: (name) => registry.get(name), names: () => [...registry.keys()] } };
  }

  async loadFile(file: string): Promise<CompiledWorkflow> {
    return this.parse(await readWorkflowFile(file), file);
  }

  /**
   * Starts a run and returns at once; listen with `run.on(...)`, await `run.result`.
   * Throws InputValidationError before starting when the inputs do not fit, and
   * SecretsUnavailableError when a secret cannot be read.
   */
  start(workflow: CompiledWorkflow, options: StartOptions = {}): Run {
    const inputs = resolveInputs(workflow, options.inputs ?? {});
    const workdir = path.resolve(options.workdir ?? process.cwd());
    const secrets = resolveSecrets(workflow, workdir);
    return this.launch({
      id: options.runId ?? newRunId(),
      workflow,
      inputs,
      workdir,
      secrets,
      signal: options.signal,
      definition: definitionOf(workflow, workdir),
    });
  }

  /**
   * Carries on with a run from the store: ended tasks keep their results, the
   * rest run. Only one process may drive a run at a time (RunLockedError).
   * `run.notices` says when the workflow file changed since the run started.
   */
  resume(runId: string, options: ResumeOptions = {}): Run {
    const record = this.store.getRun(runId);
    if (!record) throw new RunNotResumableError(`no run ${runId} in the store; \`weft runs\` lists them`);
    if (record.status === 'succeeded' || record.status === 'failed') {
      throw new RunNotResumableError(`run ${runId} already ended (${record.status}); there is nothing to resume`);
    }
    const definition = record.definition;
    if (!definition) throw new RunNotResumableError(`run ${runId} was stored without its workflow definition, so it cannot be resumed`);
    const workflow = this.parse(definition.text, definition.file ?? `<run ${runId}>`);
    const secrets = resolveSecrets(workflow, definition.workdir);
    const run = this.launch({ id: runId, workflow, inputs: record.inputs, workdir: definition.workdir, signal: options.signal, definition, restored: record, secrets });
    if (definition.file && existsSync(definition.file) && hashOf(readFileSync(definition.file, 'utf8')) !== definition.hash) {
      run.notices.push(`${definition.file} changed since run ${runId} started; resuming with the definition stored then`);
    }
    return run;
  }

  /** Approves a task that waits for a decision; `resume` the run to carry on. */
  approve(runId: string, taskId: string, options?: DecisionOptions): ApprovalDecision {
    return recordDecision(this.store, runId, taskId, true, options);
  }

  /** Rejects a waiting task: when the run resumes, it fails with `REJECTED`. */
  reject(runId: string, taskId: string, options?: DecisionOptions): ApprovalDecision {
    return recordDecision(this.store, runId, taskId, false, options);
  }

  private launch(setup: Omit<RunSetup, 'plan'>): Run {
    const { workflow } = setup;
    this.dispatcher.checkRun?.({ hasSecrets: setup.secrets !== undefined });
    const plan = planRun(workflow, {
      executors: this.registry,
      limits: { slots: this.engineSlots, executorSlots: this.executorSlots, pools: this.pools },
      circuitBreakers: this.circuitBreakerSettings,
      estimates: this.store.durationEstimates(workflow.name),
    });
    const lease = holdLease(this.store, setup.id, this.holder);
    const context = { scheduler: this.scheduler, store: this.store, layers: this.layers, dispatcher: this.dispatcher, abandonGraceMs: this.abandonGraceMs, workspaceRoots: this.workspaceRoots };
    const run = new Run({ ...setup, plan }, context);
    void run.result.then(() => lease.release());
    return run;
  }

  /** Starts a run and waits for its result. */
  run(workflow: CompiledWorkflow, options: StartOptions = {}): Promise<RunResult> {
    return this.start(workflow, options).result;
  }
}

function requirePositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
}

function absoluteRoots(roots: readonly string[]): string[] {
  const bad = roots.find((root) => typeof root !== 'string' || root === '');
  if (bad !== undefined) throw new UsageError(`workspaceRoots must list directory paths, got ${JSON.stringify(bad)}`);
  return roots.map((root) => path.resolve(root));
}

function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function definitionOf(workflow: CompiledWorkflow, workdir: string): RunDefinition | undefined {
  if (workflow.source === undefined) return undefined;
  const file = !workflow.defined && existsSync(workflow.file) ? path.resolve(workflow.file) : undefined;
  return { text: workflow.source, file, hash: hashOf(workflow.source), workdir };
}
