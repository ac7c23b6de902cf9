/**
 * Scale-out over BullMQ on Redis: `createQueueDispatcher` for the coordinator
 * (`new WorkflowEngine({ dispatcher: createQueueDispatcher({ redis }) })`) and
 * `runWorker` for the processes that run executors.
 */
import { QueueDispatcher, type QueueDispatcherOptions } from './bullmq-dispatcher.js';

export { QueueDispatcher, type QueueDispatcherOptions } from './bullmq-dispatcher.js';
export { runWorker, type RunningWorker, type WorkerOptions } from './worker.js';
export { jobIdFor, queueName, ScaleErrorCodes } from './job-protocol.js';

/** A dispatcher that runs every attempt as a BullMQ job on `weft-<executor>`. */
export function createQueueDispatcher(options: QueueDispatcherOptions): QueueDispatcher {
  return new QueueDispatcher(options);
}
