/**
 * Names a workflow gives things (task ids, inputs, environment variables, pools)
 * become keys of plain objects all through the engine, its store and its reports.
 * `__proto__`, `constructor` and `prototype` would reach into JavaScript's object
 * machinery there, and very long names bloat every message and record, so both are
 * refused. The schema has already checked the characters.
 */
import type { WorkflowDefinition } from './definition.js';
import type { IssueList } from './issues.js';
import { MAX_NAME_CHARS } from './limits.js';
import type { Path } from './path.js';
import { shortText } from './printable.js';

/** Keys that reach into JavaScript's object machinery when used on a plain object. */
export const RESERVED_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

interface NameGroup {
  /** Where the mapping is. */
  path: Path;
  /** What its keys are, in words. */
  what: string;
  names: string[];
}

/** Reports reserved and over-long names in every mapping whose keys are names. */
export function checkNames(definition: WorkflowDefinition, issues: IssueList): void {
  for (const group of nameGroups(definition)) {
    for (const name of group.names) {
      const problem = nameProblem(name, group.what);
      if (problem) issues.add([...group.path, name], problem, { key: true });
    }
  }
}

function nameProblem(name: string, what: string): string | undefined {
  if (RESERVED_NAMES.includes(name.toLowerCase())) {
    return `\`${name}\` cannot be used as ${what}: it names part of JavaScript's object machinery, and weft stores names as object keys; choose another name`;
  }
  if (name.length > MAX_NAME_CHARS) {
    return `${what} \`${shortText(name)}\` is ${name.length} characters long; the limit is ${MAX_NAME_CHARS}`;
  }
  return undefined;
}

function nameGroups(definition: WorkflowDefinition): NameGroup[] {
  const keys = (value: unknown): string[] => (value !== null && typeof value === 'object' ? Object.keys(value) : []);
  const groups: NameGroup[] = [
    { path: ['tasks'], what: 'a task id', names: keys(definition.tasks) },
    { path: ['inputs'], what: 'an input name', names: keys(definition.inputs) },
    { path: ['env'], what: 'an environment variable name', names: keys(definition.env) },
    { path: ['resources'], what: 'a resource pool name', names: keys(definition.resources) },
  ];
  for (const [id, task] of Object.entries(definition.tasks ?? {})) {
    groups.push(
      { path: ['tasks', id, 'env'], what: 'an environment variable name', names: keys(task?.env) },
      { path: ['tasks', id, 'resources'], what: 'a resource pool name', names: keys(task?.resources) },
    );
  }
  return groups;
}
