/** Decisions on tasks that wait for a person: recorded in the store, read by the task when its run resumes. */
import os from 'node:os';
import { WeftError } from './errors.js';
import type { RunStore } from './store/index.js';
import type { ApprovalDecision } from './types.js';

export interface DecisionOptions {
  /** Who decided. @default the OS user name */
  by?: string;
  comment?: string;
}

/** Thrown when a decision names a run or task that cannot take it. */
export class ApprovalError extends WeftError {
  constructor(message: string) {
    super('APPROVAL_INVALID', message);
  }
}

export function recordDecision(store: RunStore, runId: string, taskId: string, approved: boolean, options: DecisionOptions = {}): ApprovalDecision {
  const run = store.getRun(runId);
  if (!run) throw new ApprovalError(`no run ${runId} in the store; \`weft runs\` lists them`);
  const task = run.tasks[taskId];
  if (!task) throw new ApprovalError(`run ${runId} has no task "${taskId}"; its tasks are: ${Object.keys(run.tasks).join(', ')}`);
  if (task.status !== 'waiting') throw new ApprovalError(`task "${taskId}" of run ${runId} is ${task.status}, not waiting for a decision`);
  const decision: ApprovalDecision = { approved, by: options.by ?? currentUser(), at: new Date().toISOString() };
  if (options.comment !== undefined) decision.comment = options.comment;
  store.saveTask(runId, taskId, { ...task, approval: decision });
  return decision;
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
