import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { fromWire, jobIdFor, lostJobError, queueName, runChannel, runChannelOfJob, toWire } from '../../src/scale/job-protocol.js';

describe('job ids', () => {
  it('are valid BullMQ ids and differ for every run, task and attempt', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 50 }), (runA, runB, taskA, taskB, attempt) => {
        const a = jobIdFor(runA, taskA, attempt);
        expect(a).not.toContain(':');
        expect(a).toMatch(/^[A-Za-z0-9_%.u-]+\.\d+$/);
        const same = runA === runB && taskA === taskB;
        expect(a === jobIdFor(runB, taskB, attempt)).toBe(same);
        expect(a).not.toBe(jobIdFor(runA, taskA, attempt + 1));
      }),
    );
    expect(jobIdFor('lr4x-a1b2c3', 'build[2]', 3)).toBe('lr4x-a1b2c3.build%5B2%5D.3');
    expect(jobIdFor('r', '\u0100', 1)).not.toBe(jobIdFor('r', '\u00100', 1));
    expect(queueName('shell')).toBe('weft-shell');
  });
});

describe('run channels', () => {
  it('are found from a job id alone, as a worker that notices another worker\'s lost job must', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 50 }), (run, task, attempt) => {
        expect(runChannelOfJob(jobIdFor(run, task, attempt))).toBe(runChannel(run));
      }),
    );
  });
});

describe('errors on the wire', () => {
  it('keep every field a retry policy or a user reads', () => {
    const error = new TaskError('RATE_LIMITED', 'slow down', { retryable: true, retryAfterMs: 1500, exitCode: 2, signal: 'SIGTERM', details: { n: 1 } });
    const back = fromWire(JSON.parse(JSON.stringify(toWire(error))));
    expect(back).toBeInstanceOf(TaskError);
    expect(back.toJSON()).toEqual(error.toJSON());
    expect(back.retryAfterMs).toBe(1500);
  });

  it('say a stalled job lost its worker', () => {
    expect(lostJobError('j.1', 'job stalled more than allowable limit').code).toBe('WORKER_LOST');
    expect(lostJobError('j.1', 'Missing lock').code).toBe('EXECUTOR_ERROR');
  });
});
