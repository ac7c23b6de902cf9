/**
 * One execution of a compiled workflow: task states, trigger rules applied as
 * upstreams end, retries, cancellation and the final result.
 *
 * Every state change goes through `transition`, which records it in the store
 * before anything reacts to it. Propagation to dependents uses a work list, not
 * recursion, so a 100,000-task chain of skips is safe. A run built from a stored
 * record (`restored`) keeps what already ended and carries on with the rest.
 */
import { EventEmitter } from 'eventemitter3';
import type { AttemptLayer, Dispatcher } from './attempt.js';
import { ErrorCodes, TaskError } from './errors.js';
import type { RunEventListeners } from './events.js';
import { completeAggregate, expand } from './fan-out.js';
import { isoTime } from './iso-time.js';
import { dependentTable, needIndexes } from './load/graph.js';
import { isTruthy } from './load/index.js';
import { runSnapshot, startRecord, withoutTasks } from './run-snapshot.js';
import { SecretMask } from './secret-mask.js';
import { heldBy, type Scheduler } from './scheduler.js';
import type { RunDefinition, RunRecord, RunStore } from './store/index.js';
import { TaskAttempts } from './task-attempts.js';
import { isTerminal, TaskNode, type RunPlan } from './task-node.js';
import { decide } from './trigger-rules.js';
import type { CompiledWorkflow, DependentTable, ExpressionContext, RunResult, RunStatus, TaskErrorInfo, TaskResult, TaskStatus, Template } from './types.js';

export interface RunContext {
  scheduler: Scheduler;
  store: RunStore;
  layers: readonly AttemptLayer[];
  dispatcher: Dispatcher;
  abandonGraceMs: number;
  /** The engine's `workspaceRoots`, handed to every attempt's context. */
  workspaceRoots: readonly string[];
}

export interface RunSetup {
  id: string;
  workflow: CompiledWorkflow;
  plan: RunPlan;
  inputs: Record<string, unknown>;
  workdir: string;
  signal?: AbortSignal;
  definition?: RunDefinition;
  /** The stored record of an interrupted run to carry on with. */
  restored?: RunRecord;
  /** Secret values by name, read when the run started; never stored. */
  secrets?: Record<string, string>;
}

type StopCause = 'cancel' | 'failFast' | 'timeout';

const EMPTY_CONTEXT: ExpressionContext = { inputs: {}, env: {}, tasks: {}, run: { id: '' }, workflow: { name: '' } };

/** Queued, running or backing off: while any node is, the run is not idle. */
function isActive(status: TaskStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'retrying';
}

export class Run extends EventEmitter<RunEventListeners> {
  readonly id: string;
  /** Settles when the run ends or waits for a person, whatever its status; never rejects. */
  readonly result: Promise<RunResult>;
  /** Things the person driving the run should know (e.g. the workflow file changed since it started). */
  readonly notices: string[] = [];

  readonly workflow: CompiledWorkflow;
  readonly inputs: Record<string, unknown>;
  readonly workdir: string;
  readonly context: RunContext;
  /** Hides the run's secret values in what leaves it; undefined when it has none. */
  readonly mask?: SecretMask;

  private readonly nodes: TaskNode[];
  private readonly dependents: DependentTable;
  /** Nodes by id, instances included; made on first use, since most runs never look a node up by id. */
  private nodesById?: Map<string, TaskNode>;
  /** The store's record of this run holds the nodes' live results: the run's end need not hand them over again. */
  private liveRecord = false;
  /** The store keeps the result objects it is handed, so a node's later changes need not be saved again. */
  private readonly storeKeepsObjects: boolean;
  /**
   * Nodes ended and not yet propagated: a stack whose first `settledCount` slots are
   * live. Popping an array empty gives its storage up, so every task's end would
   * allocate it again.
   */
  private readonly settled: (TaskNode | undefined)[] = [];
  private settledCount = 0;
  private readonly attempts: TaskAttempts;
  private readonly startedAt: Date;
  /**
   * Nodes note when they became ready and started in ms after this: small whole
   * numbers, stored in place, where a timestamp would be a boxed number per node.
   */
  readonly epoch = Date.now();
  private readonly setup: RunSetup;
  private remaining = 0;
  /** Nodes queued, running or backing off: while any is, the run is not idle. */
  private active = 0;
  private waiting = 0;
  private anyFailed = false;
  private stopCause?: StopCause;
  private draining = false;
  private finished = false;
  private runTimer?: NodeJS.Timeout;
  private resolveResult!: (result: RunResult) => void;
  private readonly onSignal = () => this.cancel();

  constructor(setup: RunSetup, context: RunContext) {
    super();
    this.setup = setup;
    this.id = setup.id;
    this.workflow = setup.workflow;
    this.inputs = setup.inputs;
    this.workdir = setup.workdir;
    this.context = context;
    this.mask = setup.secrets ? SecretMask.of(Object.values(setup.secrets)) : undefined;
    this.startedAt = new Date(setup.restored?.startedAt ?? Date.now());
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
    this.storeKeepsObjects = context.store.keepsTaskObjects === true;
    this.nodes = nodesOf(setup.workflow, setup.plan);
    this.dependents = this.workflow.dependents ?? dependentTable(needIndexes(this.workflow));
    this.attempts = new TaskAttempts(this);
    queueMicrotask(() => this.begin());
  }

  /** Cancels the run: running tasks are aborted, the rest end `cancelled`. */
  cancel(): void {
    this.stop('cancel', new TaskError(ErrorCodes.CANCELLED, 'the run was cancelled'));
  }

  /** The node for a task id or instance id (`build[2]`). */
  node(id: string): TaskNode | undefined {
    return this.byId.get(id);
  }

  private get byId(): Map<string, TaskNode> {
    if (this.nodesById) return this.nodesById;
    const byId = new Map<string, TaskNode>();
    for (const node of this.nodes) {
      byId.set(node.id, node);
      for (const instance of node.instances ?? []) byId.set(instance.id, instance);
    }
    return (this.nodesById = byId);
  }

  get stopping(): boolean {
    return this.stopCause !== undefined;
  }

  /** Builds the expression context a template needs, with only the tasks it reads. */
  contextFor(node: TaskNode | undefined, template: Template, env: Record<string, string>): ExpressionContext {
    const tasks: ExpressionContext['tasks'] = {};
    for (const ref of template.taskRefs) {
      const other = this.byId.get(ref);
      if (other) tasks[ref] = { status: other.result.status, outputs: other.result.outputs ?? {} };
    }
    const context: ExpressionContext = { inputs: this.inputs, env, tasks, run: { id: this.id }, workflow: { name: this.workflow.name } };
    if (this.setup.secrets) context.secrets = this.setup.secrets;
    if (node?.parent) {
      context.item = node.item;
      context.index = node.itemIndex;
    }
    return context;
  }

  /** Evaluates a template for a node; static templates skip building a context. */
  evaluate<T>(node: TaskNode | undefined, template: Template<T>, env: Record<string, string>): T {
    return template.evaluate(template.isStatic ? EMPTY_CONTEXT : this.contextFor(node, template, env));
  }

  /** The one place a task's state changes: recorded, then announced. */
  transition(node: TaskNode, status: TaskStatus, patch?: Partial<TaskResult>): void {
    const before = node.result.status;
    if (patch) Object.assign(node.result, patch);
    node.result.status = status;
    if (!node.stored) {
      this.context.store.saveTask(this.id, node.id, node.result);
      node.stored = this.storeKeepsObjects;
    }
    if (!node.instances) {
      this.active += Number(isActive(status)) - Number(isActive(before));
      this.waiting += Number(status === 'waiting') - Number(before === 'waiting');
    }
    // Event payloads are built only when someone listens: a 100,000-task run would otherwise make 300,000 of them for nobody.
    if (status === 'queued') {
      if (this.listenerCount('task:queued') > 0) this.emit('task:queued', { runId: this.id, taskId: node.id, attempt: node.result.attempts + 1 });
    } else if (status === 'running' && !node.instances) {
      if (this.listenerCount('task:start') > 0) {
        const held = heldBy(node);
        this.emit('task:start', { runId: this.id, taskId: node.id, attempt: node.result.attempts, maxAttempts: node.current.policy.maxAttempts, heldBy: held });
      }
    } else if (status === 'waiting') {
      this.drain();
    }
  }

  /** Ends a node that succeeded with `outputs`. Unless they need masking, they go straight into the result, with no patch object. */
  succeed(node: TaskNode, outputs: unknown): void {
    if (node.done) return;
    if (this.mask) return this.complete(node, 'succeeded', { outputs, error: undefined });
    node.result.outputs = outputs;
    node.result.error = undefined;
    this.complete(node, 'succeeded');
  }

  /** Ends a node in a terminal state and lets its dependents react. */
  complete(node: TaskNode, status: TaskStatus, patch?: Partial<TaskResult>): void {
    if (node.done) return;
    const now = Date.now();
    const finishedAt = isoTime(now);
    const durationMs = node.startedAtMs === undefined ? undefined : now - this.epoch - node.startedAtMs;
    // Applied in place, not spread into a fresh patch: this runs once per task.
    if (patch) Object.assign(node.result, this.mask ? this.mask.value(patch) : patch);
    node.result.finishedAt = finishedAt;
    node.result.durationMs = durationMs;
    this.transition(node, status);
    if (status === 'failed' && !node.task.continueOnError) this.anyFailed = true;
    if (status === 'succeeded' && durationMs !== undefined && !node.instances) {
      this.context.store.recordDuration(this.workflow.name, node.task.id, durationMs);
    }
    if (this.listenerCount('task:finish') > 0) this.announceFinish(node, finishedAt, durationMs);
    this.settled[this.settledCount++] = node;
    if (status === 'failed' && !node.task.continueOnError && this.workflow.failFast) {
      this.stop('failFast', new TaskError(ErrorCodes.CANCELLED, `cancelled because task "${node.id}" failed (failFast)`));
    }
    this.drain();
  }

  /** Queues a node whose turn has come, unless its `if` says otherwise. */
  queue(node: TaskNode): void {
    if (this.passesIf(node)) this.attempts.enqueue(node);
  }

  /**
   * Registers a node created during the run (a forEach instance), taking over its
   * stored state when the run is restored. Returns true when that state is final.
   */
  adopt(node: TaskNode): boolean {
    this.nodesById?.set(node.id, node);
    return this.restore(node);
  }

  private announceFinish(node: TaskNode, finishedAt: string, durationMs: number | undefined): void {
    const { result } = node;
    this.emit('task:finish', {
      runId: this.id,
      taskId: node.id,
      status: result.status,
      attempts: result.attempts,
      outputs: result.outputs,
      error: result.error,
      skipReason: result.skipReason,
      timings: {
        queuedAt: node.readyAtMs === undefined ? undefined : new Date(this.epoch + node.readyAtMs).toISOString(),
        startedAt: result.startedAt,
        finishedAt,
        durationMs,
        queueWaitMs: node.readyAtMs === undefined || node.startedAtMs === undefined ? undefined : node.startedAtMs - node.readyAtMs,
      },
    });
  }

  /**
   * The record a new run starts with. Its tasks are the live results rather than
   * copies (there are no forEach instances yet). For a store that keeps them, the
   * record's `tasks` is made only if someone reads it; a store that serializes them
   * reads it at once.
   */
  private initialRecord(): RunRecord {
    const { nodes } = this;
    for (let i = 0; i < nodes.length; i++) nodes[i]!.stored = this.storeKeepsObjects;
    this.liveRecord = this.storeKeepsObjects;
    return startRecord(this.id, this.workflow.name, this.startedAt, this.inputs, this.setup.definition, nodes);
  }

  private begin(): void {
    const { store } = this.context;
    if (this.setup.restored) store.updateRun(this.id, { status: 'running' });
    else store.createRun(this.initialRecord());
    this.emit('run:start', { runId: this.id, workflow: this.workflow.name, inputs: this.inputs, taskCount: this.nodes.length });
    const { signal } = this.setup;
    if (signal?.aborted) return this.cancel();
    signal?.addEventListener('abort', this.onSignal, { once: true });
    if (this.workflow.timeoutMs !== undefined) {
      const ms = this.workflow.timeoutMs;
      this.runTimer = setTimeout(() => this.stop('timeout', new TaskError(ErrorCodes.CANCELLED, `the run timed out after ${ms} ms`)), ms);
    }
    // Indexed loops: this code runs once, unoptimized, where `for…of` makes an iterator result per node.
    const { nodes } = this;
    this.context.scheduler.batch(() => {
      if (this.setup.restored) {
        for (let i = 0; i < nodes.length; i++) this.restore(nodes[i]!);
        for (let i = 0; i < nodes.length; i++) if (nodes[i]!.done) this.countIntoDependents(nodes[i]!);
        for (let i = 0; i < nodes.length; i++) if (!nodes[i]!.done) this.remaining++;
      } else {
        this.remaining = nodes.length;
      }
      for (let i = 0; i < nodes.length; i++) if (!nodes[i]!.done) this.consider(nodes[i]!);
      this.drain();
    });
  }

  /**
   * Takes over a node's stored state. Ended tasks keep their results; the rest are
   * pending again but keep their attempt count, so an attempt lost in a crash still
   * counts and the next one is numbered after it.
   */
  private restore(node: TaskNode): boolean {
    const saved = this.setup.restored?.tasks[node.id];
    if (!saved) return false;
    const final = isTerminal(saved.status) && saved.status !== 'cancelled';
    const { attempts, startedAt, approval, fallback } = saved;
    Object.assign(node.result, final ? saved : { status: 'pending', attempts, startedAt, approval, fallback });
    if (fallback) node.fallbackFrom = fallback.fromAttempt - 1;
    if (saved.startedAt) node.startedAtMs = Date.parse(saved.startedAt) - this.epoch;
    if (final && node.task.forEach && !node.parent) this.restoreInstances(node);
    return final;
  }

  /** An ended forEach keeps listing its instances. */
  private restoreInstances(node: TaskNode): void {
    const instances: TaskNode[] = [];
    for (let i = 0; this.setup.restored?.tasks[`${node.id}[${i}]`]; i++) {
      const instance = TaskNode.instance(node, i, undefined);
      this.adopt(instance);
      instances.push(instance);
    }
    if (instances.length > 0) node.instances = instances;
  }

  /** Applies a node's trigger rule to what its upstreams have done so far. */
  private consider(node: TaskNode): void {
    const decision = decide(node.task.trigger, node.counts);
    if (decision === 'run') {
      if (node.result.status === 'pending') this.activate(node);
    } else if (decision === 'skip') {
      this.complete(node, 'skipped', { skipReason: `trigger rule ${node.task.trigger} can no longer be met: an upstream task was skipped` });
    } else if (decision === 'upstream_failed') {
      this.complete(node, 'upstream_failed', { skipReason: `trigger rule ${node.task.trigger} can no longer be met: an upstream task failed` });
    }
  }

  /** Propagates ends to dependents until nothing more changes; then checks whether the run is over or idle. */
  private drain(): void {
    if (this.draining || this.finished) return;
    this.draining = true;
    try {
      const { settled } = this;
      while (this.settledCount > 0) {
        const node = settled[--this.settledCount]!;
        settled[this.settledCount] = undefined;
        this.propagate(node);
      }
    } finally {
      this.draining = false;
    }
    if (this.remaining === 0) this.finish();
    else if (this.active === 0 && this.waiting > 0 && !this.stopping) this.finish('waiting');
  }

  private propagate(node: TaskNode): void {
    const parent = node.parent;
    if (parent) {
      if (--parent.openInstances === 0) completeAggregate(this, parent);
      return;
    }
    this.remaining--;
    if (this.stopping) return;
    const { start, list } = this.dependents;
    const index = node.index;
    for (let k = start[index]!, end = start[index + 1]!; k < end; k++) {
      const dependent = this.nodes[list[k]!]!;
      if (dependent.done) continue;
      node.countInto(dependent.counts);
      this.consider(dependent);
    }
  }

  /** Counts an already ended node (of a resumed run) for its dependents. */
  private countIntoDependents(node: TaskNode): void {
    const { start, list } = this.dependents;
    const index = node.index;
    for (let k = start[index]!, end = start[index + 1]!; k < end; k++) node.countInto(this.nodes[list[k]!]!.counts);
  }

  /** The trigger rule is met: fan out, or check `if` and queue. */
  private activate(node: TaskNode): void {
    node.readyAtMs = Date.now() - this.epoch;
    const forEach = node.task.forEach;
    if (forEach) expand(this, node, forEach);
    else this.queue(node);
  }

  private passesIf(node: TaskNode): boolean {
    const condition = node.task.if;
    if (!condition) return true;
    let value: unknown;
    try {
      value = this.evaluate(node, condition, {});
    } catch (error) {
      this.complete(node, 'failed', { error: TaskError.from(error).toJSON() });
      return false;
    }
    if (isTruthy(value)) return true;
    this.complete(node, 'skipped', { skipReason: '`if` condition was false' });
    return false;
  }

  private stop(cause: StopCause, error: TaskError): void {
    if (this.stopping || this.finished) return;
    this.stopCause = cause;
    clearTimeout(this.runTimer);
    const reason = error.toJSON();
    for (const node of this.nodes) {
      for (const instance of node.instances ?? []) this.halt(instance, error, reason);
      if (!node.instances) this.halt(node, error, reason);
    }
    this.drain();
  }

  /** Aborts a running node's attempt, or withdraws a node that is not running. */
  private halt(node: TaskNode, error: TaskError, reason: TaskErrorInfo): void {
    if (node.done) return;
    if (node.attempt && node.result.status === 'running') node.attempt.abort(error);
    else this.attempts.withdraw(node, reason);
  }

  private finish(waiting?: 'waiting'): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.runTimer);
    this.setup.signal?.removeEventListener('abort', this.onSignal);
    let status: RunStatus = waiting ?? (this.stopCause === 'cancel' ? 'cancelled' : this.anyFailed || this.stopCause ? 'failed' : 'succeeded');
    const result = runSnapshot(this.id, this.workflow.name, status, this.startedAt, this.inputs, this.nodes);
    if (this.stopCause === 'timeout') result.error = { code: ErrorCodes.RUN_TIMEOUT, message: `the run timed out after ${this.workflow.timeoutMs} ms` };
    if (!waiting) {
      try {
        result.outputs = this.evaluate(undefined, this.workflow.outputs, {});
      } catch (error) {
        if (status === 'succeeded') status = result.status = 'failed';
        result.error ??= TaskError.from(error).toJSON();
      }
      result.finishedAt = new Date().toISOString();
    }
    result.durationMs = Date.now() - this.startedAt.getTime();
    if (this.mask) {
      result.outputs = this.mask.value(result.outputs);
      if (result.error) result.error = this.mask.info(result.error);
    }
    this.context.store.updateRun(this.id, this.liveRecord ? withoutTasks(result) : result);
    this.emit('run:finish', { runId: this.id, workflow: this.workflow.name, result });
    this.resolveResult(result);
  }
}

function nodesOf(workflow: CompiledWorkflow, plan: RunPlan): TaskNode[] {
  const { tasks } = workflow;
  const { criticalPath, primary, fallback } = plan;
  const nodes: TaskNode[] = new Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    nodes[i] = new TaskNode(task.id, task, i, criticalPath[i] ?? 0, primary[i]!, fallback[i]);
  }
  return nodes;
}
