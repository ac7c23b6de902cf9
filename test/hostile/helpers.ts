/** Shared by the hostile-input suite: a real engine, temp dirs, and running workflow files through the CLI. */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { WorkflowValidationError } from '../../src/engine/errors.js';
import type { RunResult } from '../../src/engine/types.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { runCli, type CliResult } from '../e2e/cli-process.js';

/** A fresh directory (real path) and a way to remove it. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `weft-hostile-${prefix}-`)));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFile(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The `WorkflowValidationError` that `load` throws; fails the test when it throws anything else or nothing. */
export function validationError(load: () => unknown): WorkflowValidationError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowValidationError);
    return error as WorkflowValidationError;
  }
  throw new Error('expected a WorkflowValidationError, but the workflow loaded');
}

/** Parses `text` with a real engine (every built-in executor) and runs it in `workdir`. */
export async function runWorkflow(text: string, workdir: string, inputs: Record<string, unknown> = {}): Promise<RunResult> {
  const engine = new WorkflowEngine();
  const workflow = engine.parse(text, join(workdir, 'workflow.yaml'));
  return engine.start(workflow, { workdir, inputs }).result;
}

/** `weft validate FILE…`: the process must end by itself with exit 2, never by a signal or a crash. */
export async function validateThroughCli(files: string[]): Promise<CliResult> {
  const result = await runCli(['validate', ...files]);
  expect(result.signal).toBeNull();
  expect(result.stderr).not.toMatch(/unexpected error|RangeError|Maximum call stack|FATAL/);
  expect(result.code).toBe(2);
  return result;
}

/** Joins lines into a YAML document. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
