import { describe, expect, it } from 'vitest';
import { approvalExecutor } from '../../src/executors/approval/index.js';
import { makeContext } from '../helpers/task-context.js';

describe('approval executor', () => {
  it('waits (code WAITING) until someone decides, naming the commands to run', () => {
    const ctx = makeContext({ runId: 'r1', taskId: 'gate' });
    expect(() => approvalExecutor.execute({ message: 'Ship it?' }, ctx)).toThrow(
      expect.objectContaining({ code: 'WAITING', message: expect.stringContaining('weft approve r1 gate') }),
    );
  });

  it('succeeds with the decision when approved', () => {
    const approval = { approved: true, by: 'ada', at: '2026-11-25T10:00:00.000Z', comment: 'lgtm' };
    expect(approvalExecutor.execute({ message: 'Ship it?' }, makeContext({ approval }))).toEqual({
      approved: true,
      by: 'ada',
      at: approval.at,
      comment: 'lgtm',
      message: 'Ship it?',
    });
  });

  it('fails with REJECTED, never retried, when rejected', () => {
    const approval = { approved: false, by: 'bob', at: '2026-11-25T10:00:00.000Z', comment: 'not yet' };
    expect(() => approvalExecutor.execute({}, makeContext({ approval }))).toThrow(
      expect.objectContaining({ code: 'REJECTED', retryable: false, message: 'rejected by bob: not yet' }),
    );
  });

  it('times out when no decision came within its timeout of the first attempt', () => {
    const startedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
    expect(() => approvalExecutor.execute({ timeout: '1h' }, makeContext({ startedAt }))).toThrow(expect.objectContaining({ code: 'TIMEOUT' }));
  });
});
