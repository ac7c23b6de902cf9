/**
 * What every command that reads a workflow needs first: the config that applies
 * to it, an engine built from that config, and the workflow loaded by that engine.
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../engine/errors.js';
import type { RunStore } from '../engine/store/index.js';
import type { CompiledWorkflow } from '../engine/types.js';
import { WorkflowEngine } from '../index.js';
import { resolveConfig, type WeftConfig } from './config.js';

export interface WorkspaceOptions {
  workflowFile?: string;
  configFile?: string;
  maxConcurrency?: number;
  cwd?: string;
  /** Where the engine records runs; closed with the workspace. @default a MemoryRunStore */
  store?: RunStore;
  /** Queue tasks in this Redis for `weft worker` processes, instead of running them here. */
  redis?: string;
}

export interface Workspace {
  config: WeftConfig;
  engine: WorkflowEngine;
  /** Closes what the workspace holds: queue connections and the store. */
  close(): Promise<void>;
}

export async function openWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const config = await resolveConfig({
    explicit: options.configFile,
    workflowFile: options.workflowFile,
    cwd: options.cwd ?? process.cwd(),
  });
  // BullMQ is loaded only for --redis: a plain run starts without it.
  const dispatcher =
    options.redis === undefined ? undefined : (await import('../scale/index.js')).createQueueDispatcher({ redis: options.redis, queueKey: process.env.WEFT_QUEUE_KEY });
  const engine = new WorkflowEngine({
    executors: config.executors,
    resources: config.resources,
    circuitBreakers: config.circuitBreakers,
    workspaceRoots: config.workspaceRoots,
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(dispatcher === undefined ? {} : { dispatcher }),
  });
  const close = async (): Promise<void> => {
    await dispatcher?.close();
    options.store?.close?.();
  };
  return { config, engine, close };
}

/** Loads a workflow file; a path that is not a file is a usage error, not a crash. */
export async function loadWorkflowFile(engine: WorkflowEngine, file: string): Promise<CompiledWorkflow> {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`${file} is a directory; give a workflow file such as ${file}/hello.yaml`);
  }
  return engine.loadFile(file);
}
