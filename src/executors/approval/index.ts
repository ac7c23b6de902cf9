/**
 * The `approval` executor: a task that waits for a person. Until someone decides,
 * it puts its task in `waiting`; the run does everything else it can, saves, and
 * `weft run` exits with code 3. `weft approve`/`weft reject` record the decision,
 * and when the run resumes the task succeeds with it or fails with `REJECTED`.
 */
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { defineExecutor } from '../../engine/executor.js';
import { parseDuration } from '../../engine/load/index.js';
import type { ApprovalDecision } from '../../engine/types.js';
import { loadSchema } from '../load-schema.js';

export interface ApprovalInput {
  message?: string;
  timeout?: string | number;
}

export interface ApprovalOutput extends Omit<ApprovalDecision, 'approved'> {
  approved: true;
  message?: string;
}

export const approvalExecutor = defineExecutor<ApprovalInput, ApprovalOutput>({
  name: 'approval',
  description: 'Waits for a person to run `weft approve` or `weft reject`; the run saves and exits with code 3 meanwhile.',
  inputSchema: loadSchema('approval.input.json'),
  outputSchema: loadSchema('approval.output.json'),
  execute(input, ctx) {
    const decision = ctx.approval;
    if (decision?.approved) return approvedOutput(decision, input.message);
    if (decision) {
      const said = decision.comment ? `: ${decision.comment}` : '';
      throw new TaskError(ErrorCodes.REJECTED, `rejected by ${decision.by}${said}`, { retryable: false, details: decision });
    }
    if (input.timeout !== undefined && Date.now() > Date.parse(ctx.startedAt) + parseDuration(input.timeout)) {
      throw new TaskError(ErrorCodes.TIMEOUT, `no decision within ${input.timeout} of ${ctx.startedAt}`, { retryable: false });
    }
    const message = input.message ?? `approve task ${ctx.taskId}`;
    throw new TaskError(ErrorCodes.WAITING, `${message} — \`weft approve ${ctx.runId} ${ctx.taskId}\` or \`weft reject ${ctx.runId} ${ctx.taskId}\``, {
      retryable: false,
    });
  },
});

function approvedOutput(decision: ApprovalDecision, message: string | undefined): ApprovalOutput {
  const output: ApprovalOutput = { approved: true, by: decision.by, at: decision.at };
  if (decision.comment !== undefined) output.comment = decision.comment;
  if (message !== undefined) output.message = message;
  return output;
}
