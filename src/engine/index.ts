/** The engine subsystem's public face. */
export { WorkflowEngine as CoreEngine, RunNotResumableError, type EngineOptions, type ResumeOptions, type StartOptions } from './workflow-engine.js';
export { inProcessDispatcher, type AttemptCall, type Dispatcher } from './attempt.js';
export { ApprovalError, type DecisionOptions } from './approvals.js';
export { RunLockedError, LEASE_TTL_MS } from './run-lease.js';
export { Run } from './run.js';
export { SecretsUnavailableError } from './secrets.js';
export { RunHistory } from './run-history.js';
export { defineExecutor, type Executor, type TaskContext, type JsonSchema, type LogStream } from './executor.js';
export {
  ErrorCodes,
  InputValidationError,
  TaskError,
  UsageError,
  WeftError,
  WorkflowValidationError,
  StoreError,
  StoreErrorCodes,
  formatIssue,
  type TaskErrorOptions,
  type WorkflowIssue,
} from './errors.js';
export type { RunEvents, RunEventName, TaskTimings } from './events.js';
export * from './store/index.js';
export { decide, type TriggerDecision, type UpstreamCounts } from './trigger-rules.js';
export { resolveRetryPolicy, retryDelay, shouldRetry, type RetryPolicy } from './retry-policy.js';
export * from './types.js';
