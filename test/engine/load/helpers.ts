/** Shared by the loader's tests: a stand-in executor registry and ways to see issues. */
import { expect } from 'vitest';
import { formatIssue, WorkflowValidationError } from '../../../src/engine/errors.js';
import type { WorkflowIssue } from '../../../src/engine/errors.js';
import { loadWorkflow } from '../../../src/engine/load/index.js';
import type { ExecutorInfo, LoadOptions } from '../../../src/engine/load/index.js';

const EXECUTORS: Record<string, ExecutorInfo> = {
  shell: { name: 'shell', shellInputs: ['run'] },
  echo: { name: 'echo' },
  http: { name: 'http' },
};

export const executors: LoadOptions['executors'] = {
  get: (name) => EXECUTORS[name],
  names: () => Object.keys(EXECUTORS),
};

export function load(text: string, options: Partial<LoadOptions> = {}) {
  return loadWorkflow(text, { executors, file: 'test.yaml', ...options });
}

/** The issues loading `text` reports; fails the test if it loads. */
export function issuesOf(text: string, options: Partial<LoadOptions> = {}): WorkflowIssue[] {
  try {
    load(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowValidationError);
    return [...(error as WorkflowValidationError).issues];
  }
  throw new Error('expected the workflow to be rejected, but it loaded');
}

/** The one issue loading `text` reports. */
export function issueOf(text: string, options: Partial<LoadOptions> = {}): WorkflowIssue {
  const issues = issuesOf(text, options);
  if (issues.length !== 1) throw new Error(`expected one issue, got:\n${issues.map(formatIssue).join('\n')}`);
  return issues[0]!;
}

/** Joins lines into a YAML document. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}
