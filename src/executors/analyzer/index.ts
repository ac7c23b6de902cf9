/**
 * The `analyzer` executor: what kind of issue this is, how big, which files it is
 * about, and whether a person should take it. Offline and deterministic by default
 * (`heuristic`); `llm` asks an OpenAI-compatible model instead.
 */
import { defineExecutor, type TaskContext } from '../../engine/executor.js';
import { throwIfAborted } from '../git/child.js';
import { workspaceCheckout } from '../git/checkout.js';
import { loadSchema } from '../load-schema.js';
import { analyzeHeuristically } from './heuristic.js';
import { resolveIssue } from './issue-input.js';
import { analyzeWithModel } from './llm.js';
import type { Analysis, AnalyzerInput } from './types.js';
import { llmCircuitKey } from '../llm/config.js';
import { SERVICE_CIRCUIT_BREAKER } from '../service-breaker.js';
import { realPathWithin } from '../workspace-path.js';

export type { Analysis, AnalyzerInput, IssueData } from './types.js';
export { analyzeHeuristically } from './heuristic.js';

export const analyzerExecutor = defineExecutor<AnalyzerInput, Analysis>({
  name: 'analyzer',
  description:
    'Classifies an issue (bug, feature, docs, question, chore, security), estimates its complexity, finds the files it is about, and says whether a human should take it.',
  inputSchema: loadSchema('analyzer.input.json'),
  outputSchema: loadSchema('analyzer.output.json'),
  retry: { maxAttempts: 3, backoff: 'exponential', delay: '1s', maxDelay: '30s', jitter: 'full' },
  circuitBreaker: SERVICE_CIRCUIT_BREAKER,
  // Only the model provider calls a service; the heuristic one is never held back by its breaker.
  circuitKey: (input, env) => (input.provider === 'llm' ? llmCircuitKey(input.llm, env) : undefined),
  execute: analyze,
});

async function analyze(input: AnalyzerInput, ctx: TaskContext): Promise<Analysis> {
  throwIfAborted(ctx.signal);
  const repo = input.repo === undefined ? undefined : await workspaceCheckout(input.repo, ctx, 'repo');
  const issue = await resolveIssue(input, repo, ctx);
  const found =
    input.provider === 'llm'
      ? await analyzeWithModel(issue, repo, input.llm, ctx)
      : await analyzeHeuristically(issue, repo, ctx.signal);
  const analysis = repo === undefined ? found : await withFilesInside(found, repo, ctx);
  ctx.log(
    `${analysis.category}, ${analysis.complexity} complexity, confidence ${analysis.confidence}` +
      (analysis.files.length ? `; files: ${analysis.files.slice(0, 5).join(', ')}` : '; no files located'),
  );
  if (analysis.requiresHuman) ctx.log(`needs a human: ${analysis.reasons.join('; ')}`);
  return analysis;
}

/**
 * The analysis without files that lead out of the checkout: a tracked symlink named
 * by the issue may point anywhere, and the tasks after this one read these files.
 */
async function withFilesInside(analysis: Analysis, repo: string, ctx: TaskContext): Promise<Analysis> {
  const inside = await Promise.all(analysis.files.map(async (file) => (await realPathWithin(repo, file)) !== undefined));
  const outside = analysis.files.filter((_, i) => !inside[i]);
  if (outside.length === 0) return analysis;
  ctx.log(`ignored ${outside.map((f) => JSON.stringify(f)).join(', ')}: a symbolic link leading out of the checkout ${repo}, or missing from its work tree`);
  const kept = new Set(analysis.files.filter((_, i) => inside[i]));
  return { ...analysis, files: [...kept], locations: analysis.locations.filter((l) => kept.has(l.file)) };
}
