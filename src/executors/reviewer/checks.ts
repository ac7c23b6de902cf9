/** Runs the review's checks (the tests, a linter) in the worktree, one after another. */
import { displayScript } from '../script-text.js';
import type { TaskContext } from '../../engine/executor.js';
import { runScript } from '../git/child.js';
import type { CheckResult, CheckSpec, Finding } from './types.js';

/** Checks written as scripts are named by their first line, with expression values shown as values. */
export function checkSpecs(checks: readonly (string | CheckSpec)[], env: Readonly<Record<string, string | undefined>> = {}): CheckSpec[] {
  return checks.map((check) => {
    if (typeof check !== 'string') return check;
    const shown = displayScript(check, env);
    return { name: shown.split('\n')[0]?.trim() || shown, run: check };
  });
}

export async function runChecks(
  checks: readonly CheckSpec[],
  worktree: string,
  env: Record<string, string | undefined>,
  ctx: TaskContext,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    ctx.log(`check: ${check.name}`);
    const result = await runScript(check.run, { cwd: worktree, env, signal: ctx.signal, onLine: (s, line) => ctx.logStream(s, line) });
    const passed = result.code === 0;
    ctx.log(`check ${check.name}: ${passed ? 'passed' : `failed (exit ${result.code ?? result.signal})`}`);
    results.push({ name: check.name, passed, exitCode: result.code, logTail: result.log });
  }
  return results;
}

export function checkFindings(results: readonly CheckResult[]): Finding[] {
  return results
    .filter((r) => !r.passed)
    .map((r) => {
      const last = r.logTail.trimEnd().split('\n').pop()?.trim();
      return { severity: 'error' as const, rule: 'check-failed', message: `check "${r.name}" failed (exit ${r.exitCode ?? 'signal'})${last ? `: ${last}` : ''}` };
    });
}
