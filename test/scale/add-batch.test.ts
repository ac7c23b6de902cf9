/**
 * Adds made in the same turn of the event loop reach Redis as one pipelined
 * `addBulk` (at most 500 jobs each), on a real queue: a wide layer of a workflow
 * costs a few round trips, not one per task, and a job id added twice is still
 * one job.
 */
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AddBatch } from '../../src/scale/add-batch.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();

function countedQueue(name: string) {
  const queue = new Queue(name, { connection: redis.server.client() });
  redis.defer(() => queue.close());
  const bulks: number[] = [];
  const addBulk = queue.addBulk.bind(queue);
  queue.addBulk = (jobs) => {
    bulks.push(jobs.length);
    return addBulk(jobs);
  };
  return { queue, bulks };
}

describe('AddBatch', () => {
  it('sends the adds of one turn together, 500 at most per addBulk, and each resolves once its job is in Redis', async () => {
    const { queue, bulks } = countedQueue('batched');
    const batch = new AddBatch(queue);
    await Promise.all(Array.from({ length: 1200 }, (_, i) => batch.add('t', { i }, { jobId: `job-${i}` })));
    expect(bulks).toEqual([500, 500, 200]);
    expect(await queue.getWaitingCount()).toBe(1200);
    expect((await queue.getJob('job-1199'))?.data).toEqual({ i: 1199 });

    await batch.add('t', { again: true }, { jobId: 'job-7' });
    await batch.add('t', { late: true }, { jobId: 'late' });
    expect(bulks).toEqual([500, 500, 200, 1, 1]);
    expect(await queue.getWaitingCount()).toBe(1201);
    expect((await queue.getJob('job-7'))?.data).toEqual({ i: 7 });
  });

  it('rejects every add of a batch that Redis refuses', async () => {
    const { queue } = countedQueue('refused');
    const batch = new AddBatch(queue);
    await redis.server.client().set('bull:refused:wait', 'not a list');
    const adds = [batch.add('t', {}, { jobId: 'a' }), batch.add('t', {}, { jobId: 'b' })];
    for (const add of adds) await expect(add).rejects.toThrow(/WRONGTYPE/);
  });
});
