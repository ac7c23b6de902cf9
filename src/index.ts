/**
 * weft: a declarative DAG task engine.
 *
 * @example
 * ```ts
 * import { WorkflowEngine, defineExecutor } from 'weft';
 *
 * const engine = new WorkflowEngine({ maxConcurrency: 8 });
 * engine.register(defineExecutor({ name: 'greet', execute: (input: { who: string }) => ({ text: `hi ${input.who}` }) }));
 * const workflow = await engine.loadFile('workflows/hello.yaml');
 * const result = await engine.run(workflow, { inputs: { who: 'world' } });
 * console.log(result.status, result.outputs);
 * ```
 */
export { WorkflowEngine, type WorkflowEngineOptions } from './weft-engine.js';
export { builtinExecutors } from './executors/index.js';
export type {
  DefaultsDefinition,
  EnvDefinition,
  InputDefinition,
  InputType,
  RetryDefinition,
  TaskDefinition,
  WorkflowDefinition,
} from './engine/load/index.js';
export {
  createQueueDispatcher,
  runWorker,
  QueueDispatcher,
  ScaleErrorCodes,
  type QueueDispatcherOptions,
  type WorkerOptions,
  type RunningWorker,
} from './scale/index.js';
export {
  CoreEngine,
  Run,
  RunHistory,
  defineExecutor,
  ErrorCodes,
  InputValidationError,
  TaskError,
  UsageError,
  WeftError,
  WorkflowValidationError,
  formatIssue,
  MemoryRunStore,
  SqliteRunStore,
  StoreError,
  StoreErrorCodes,
  RunLockedError,
  RunNotResumableError,
  SecretsUnavailableError,
  ApprovalError,
  inProcessDispatcher,
  TERMINAL_STATUSES,
  TRIGGER_RULES,
} from './engine/index.js';
export type {
  EngineOptions,
  StartOptions,
  ResumeOptions,
  DecisionOptions,
  AttemptCall,
  Dispatcher,
  RunDefinition,
  LogEntry,
  StoredLogEntry,
  Lease,
  ApprovalDecision,
  Executor,
  TaskContext,
  JsonSchema,
  LogStream,
  TaskErrorOptions,
  WorkflowIssue,
  RunEvents,
  RunEventName,
  TaskTimings,
  RunFilter,
  RunRecord,
  RunStore,
  CompiledWorkflow,
  CompiledTask,
  Duration,
  RetryOptions,
  RunResult,
  RunStatus,
  TaskResult,
  TaskStatus,
  TaskErrorInfo,
  TriggerRule,
} from './engine/index.js';
