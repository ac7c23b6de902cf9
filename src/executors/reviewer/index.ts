/**
 * The `reviewer` executor: runs the checks, reads the diff against the base, and
 * reports findings, a score, and whether the change is approved or needs a human.
 */
import { defineExecutor, type TaskContext } from '../../engine/executor.js';
import { throwIfAborted } from '../git/child.js';
import { addedLines, changedFiles, diffText } from '../git/diff.js';
import { workspaceCheckout } from '../git/checkout.js';
import { resolveCommit } from '../git/git.js';
import { loadSchema } from '../load-schema.js';
import { checkFindings, checkSpecs, runChecks } from './checks.js';
import { modelFindings } from './llm.js';
import { applyRules, DEFAULT_POLICY } from './rules.js';
import type { Finding, ReviewerInput, ReviewerOutput, Severity } from './types.js';
import { llmCircuitKey } from '../llm/config.js';
import { SERVICE_CIRCUIT_BREAKER } from '../service-breaker.js';

export type { Finding, ReviewerInput, ReviewerOutput, ReviewPolicy } from './types.js';

const PENALTY: Record<Severity, number> = { error: 30, warning: 10, info: 2 };
const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info'];
/** Rules whose finding puts a person in the loop even when the change is otherwise approved. */
const HUMAN_RULES = new Set(['ci-config-changed', 'secret-added']);

export const reviewerExecutor = defineExecutor<ReviewerInput, ReviewerOutput>({
  name: 'reviewer',
  description:
    'Reviews a change in a worktree: runs checks, applies policy rules to the diff (size, paths, secrets, lockfiles, CI config, tests), and approves it or asks for a human.',
  inputSchema: loadSchema('reviewer.input.json'),
  outputSchema: loadSchema('reviewer.output.json'),
  retry: { maxAttempts: 2, backoff: 'exponential', delay: '2s', maxDelay: '30s', jitter: 'full' },
  shellInputs: ['checks'],
  circuitBreaker: SERVICE_CIRCUIT_BREAKER,
  circuitKey: (input, env) => (input.llmReview ? llmCircuitKey(input.llm, env) : undefined),
  execute: review,
});

async function review(input: ReviewerInput, ctx: TaskContext): Promise<ReviewerOutput> {
  throwIfAborted(ctx.signal);
  const worktree = await workspaceCheckout(input.worktree, ctx, 'worktree');
  const base = await resolveCommit(worktree, input.base, ctx.signal);
  const head = await resolveCommit(worktree, 'HEAD', ctx.signal);
  const files = await changedFiles(worktree, base, head, ctx.signal);
  const diff = await diffText(worktree, base, head, ctx.signal);
  const policy = input.policy ?? {};
  const env = { ...process.env, ...ctx.env, ...input.env };
  const checks = await runChecks(checkSpecs(input.checks ?? [], env), worktree, env, ctx);
  const findings = [...checkFindings(checks), ...applyRules({ worktree, files, added: addedLines(diff) }, policy)];
  if (input.llmReview) findings.push(...(await modelFindings(diff, input.llm, ctx)));
  findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return verdict(findings, checks, files.length, files.reduce((n, f) => n + f.insertions + f.deletions, 0), policy.minScore);
}

function verdict(findings: Finding[], checks: ReviewerOutput['checks'], filesChanged: number, linesChanged: number, minScore: number = DEFAULT_POLICY.minScore): ReviewerOutput {
  const score = Math.max(0, 100 - findings.reduce((sum, f) => sum + PENALTY[f.severity], 0));
  const errors = findings.filter((f) => f.severity === 'error');
  const approved = errors.length === 0 && score >= minScore;
  const reasons: string[] = [];
  if (errors.length > 0) reasons.push(`${errors.length} error finding(s): ${[...new Set(errors.map((f) => f.rule))].join(', ')}`);
  if (score < minScore) reasons.push(`score ${score} is below the policy's minimum of ${minScore}`);
  for (const f of findings.filter((f) => HUMAN_RULES.has(f.rule) && f.severity !== 'error')) reasons.push(`${f.rule}: ${f.file ?? ''}`);
  const counts = SEVERITY_ORDER.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`).join(', ');
  const passed = checks.filter((c) => c.passed).length;
  const summary = `${approved ? 'Approved' : 'Not approved'}: score ${score}; findings ${counts}; checks ${passed}/${checks.length} passed; ${filesChanged} file(s), ${linesChanged} line(s) changed.`;
  return {
    approved,
    score,
    findings,
    requiresHuman: reasons.length > 0,
    reasons,
    checks,
    filesChanged,
    linesChanged,
    summary,
  };
}
