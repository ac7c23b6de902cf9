/**
 * Environment variables that decide which programs run or what code they load
 * (`PATH`, `LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV`…). The workflow's author may set
 * them to text written in the file; a value from an expression may come from an
 * input or another task's output (an issue title, an LLM's answer), so it is refused.
 */
import type { WorkflowDefinition } from './definition.js';
import { hasExpression } from './interpolation.js';
import type { IssueList } from './issues.js';
import type { Path } from './path.js';

const PROTECTED = new Set(['PATH', 'NODE_OPTIONS', 'NODE_PATH', 'BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'IFS', 'PROMPT_COMMAND', 'CDPATH']);
const PROTECTED_PREFIXES = ['LD_', 'DYLD_'];

/** True for a name whose value can make a process run code other than its own. */
export function isProtectedEnvName(name: string): boolean {
  return PROTECTED.has(name) || PROTECTED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * Reports protected variables given a value from an expression, in the workflow's
 * and tasks' `env` and in `with.env`; and a `with.env` that is one expression, whose
 * names would not be known until run time.
 */
export function checkProtectedEnv(definition: WorkflowDefinition, issues: IssueList): void {
  const sites: Array<{ path: Path; env: unknown }> = [{ path: ['env'], env: definition.env }];
  for (const [id, task] of Object.entries(definition.tasks ?? {})) {
    sites.push({ path: ['tasks', id, 'env'], env: task?.env });
    sites.push({ path: ['tasks', id, 'with', 'env'], env: task?.with?.env });
    sites.push({ path: ['tasks', id, 'fallback', 'with', 'env'], env: task?.fallback?.with?.env });
  }
  for (const { path, env } of sites) {
    if (typeof env === 'string' && hasExpression(env)) {
      issues.add(path, '`env` must be a mapping written out in the file: names taken from an expression could set `PATH` or `LD_PRELOAD`. List each variable, with expressions only in the values');
    }
    if (env === null || typeof env !== 'object') continue;
    for (const [name, value] of Object.entries(env)) {
      if (typeof value !== 'string' || !hasExpression(value) || !isProtectedEnvName(name)) continue;
      issues.add(
        [...path, name],
        `\`${name}\` cannot take its value from an expression: it decides which programs run or what code they load, and an expression's value may come from untrusted text. Write the value out in the file, or pass the data under another name`,
      );
    }
  }
}
