/**
 * What every command that reads a workflow needs first: the config that applies
 * to it, an engine built from that config, and the workflow loaded by that engine.
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../engine/errors.js';
import type { CompiledWorkflow } from '../engine/types.js';
import { WorkflowEngine } from '../index.js';
import { resolveConfig, type WeftConfig } from './config.js';

export interface WorkspaceOptions {
  workflowFile?: string;
  configFile?: string;
  maxConcurrency?: number;
  cwd?: string;
}

export interface Workspace {
  config: WeftConfig;
  engine: WorkflowEngine;
}

export async function openWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const config = await resolveConfig({
    explicit: options.configFile,
    workflowFile: options.workflowFile,
    cwd: options.cwd ?? process.cwd(),
  });
  const engine = new WorkflowEngine({
    executors: config.executors,
    resources: config.resources,
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
  });
  return { config, engine };
}

/** Loads a workflow file; a path that is not a file is a usage error, not a crash. */
export async function loadWorkflowFile(engine: WorkflowEngine, file: string): Promise<CompiledWorkflow> {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`${file} is a directory; give a workflow file such as ${file}/hello.yaml`);
  }
  return engine.loadFile(file);
}
