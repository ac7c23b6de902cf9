/** The executors every engine has without registering anything. */
import type { Executor } from '../engine/executor.js';
import { approvalExecutor } from './approval/index.js';
import { echoExecutor } from './echo/index.js';
import { shellExecutor } from './shell/index.js';
import { analyzerExecutor } from './analyzer/index.js';
import { resolverExecutor } from './resolver/index.js';
import { reviewerExecutor } from './reviewer/index.js';
import { prGeneratorExecutor } from './pr-generator/index.js';

export { approvalExecutor } from './approval/index.js';
export type { ApprovalInput, ApprovalOutput } from './approval/index.js';
export { echoExecutor } from './echo/index.js';
export type { EchoValues } from './echo/index.js';
export { shellExecutor, DEFAULT_KILL_GRACE_MS } from './shell/index.js';
export type { ShellInput, ShellOutput } from './shell/index.js';

export const builtinExecutors: Executor[] = [
  shellExecutor,
  echoExecutor,
  approvalExecutor,
  analyzerExecutor,
  resolverExecutor,
  reviewerExecutor,
  prGeneratorExecutor,
];
