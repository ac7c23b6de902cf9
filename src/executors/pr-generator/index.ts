/**
 * The `pr-generator` executor: pushes the branch and opens a pull request for it,
 * on GitHub or, by default, locally (a git remote such as a bare repository, and the
 * PR as markdown). Doing it twice never opens a second PR: it updates the first.
 */
import { join } from 'node:path';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import { defineExecutor, type TaskContext } from '../../engine/executor.js';
import { throwIfAborted } from '../git/child.js';
import { changedFiles, type FileChange } from '../git/diff.js';
import { workspaceCheckout } from '../git/checkout.js';
import { commonGitDir, git, resolveCommit } from '../git/git.js';
import { assertBranchName } from '../git/refs.js';
import { GithubApi, githubToken, webUrlOf } from '../github/client.js';
import { upsertPullRequest } from '../github/pulls.js';
import { parseRepoName } from '../github/repository.js';
import { loadSchema } from '../load-schema.js';
import { SERVICE_CIRCUIT_BREAKER } from '../service-breaker.js';
import { newWorkspacePath } from '../workspace-path.js';
import { writeLocalPullRequest } from './local.js';
import { branchExists, pushBranch, pushTarget, remoteUrl } from './push.js';
import { defaultBody, defaultTitle, withMarker } from './template.js';
import type { PrGeneratorInput, PrGeneratorOutput } from './types.js';

export type { PrGeneratorInput, PrGeneratorOutput } from './types.js';
export { defaultBody, defaultTitle } from './template.js';

export const prGeneratorExecutor = defineExecutor<PrGeneratorInput, PrGeneratorOutput>({
  name: 'pr-generator',
  description:
    'Pushes a branch and opens (or updates) its pull request: on GitHub, or locally as markdown beside a pushed branch. A retry never opens a second PR.',
  inputSchema: loadSchema('pr-generator.input.json'),
  outputSchema: loadSchema('pr-generator.output.json'),
  retry: { maxAttempts: 4, backoff: 'exponential', delay: '2s', maxDelay: '2m', jitter: 'full' },
  circuitBreaker: SERVICE_CIRCUIT_BREAKER,
  circuitKey: (input) => (input.provider === 'github' ? originOf(input.github?.baseUrl ?? 'https://api.github.com') : undefined),
  execute: openPullRequest,
});

interface Prepared {
  repo: string;
  branch: string;
  base: string;
  remote: string;
  title: string;
  body: string;
}

async function openPullRequest(input: PrGeneratorInput, ctx: TaskContext): Promise<PrGeneratorOutput> {
  throwIfAborted(ctx.signal);
  const prepared = await prepare(input, ctx);
  return input.provider === 'github' ? openOnGithub(input, prepared, ctx) : openLocally(input, prepared, ctx);
}

async function prepare(input: PrGeneratorInput, ctx: TaskContext): Promise<Prepared> {
  const repo = await workspaceCheckout(input.repo, ctx, 'repo');
  const branch = assertBranchName(input.branch);
  const base = assertBranchName(input.base ?? 'main', 'base');
  const named = input.remote ?? 'origin';
  if (named.startsWith('-')) {
    throw new TaskError(ErrorCodes.INVALID_INPUT, `remote "${named}" starts with "-"; give a remote name, URL or path.`, { retryable: false });
  }
  const remote = await pushTarget(repo, named, ctx);
  if (!(await branchExists(repo, branch, ctx.signal))) {
    throw new TaskError(ErrorCodes.INVALID_INPUT, `${repo} has no branch "${branch}". Give the resolver's branch output.`, { retryable: false });
  }
  const title = (input.title ?? defaultTitle(input)).replace(/\s+/g, ' ').trim();
  const changes = await changesOn(repo, base, branch, ctx.signal);
  const body = withMarker(input.body ?? defaultBody({ input, changes, idempotencyKey: ctx.idempotencyKey }), ctx.idempotencyKey);
  return { repo, branch, base, remote, title, body };
}

/** The branch's changes since it left `base`; none listed when `base` is not known locally. */
async function changesOn(repo: string, base: string, branch: string, signal: AbortSignal): Promise<FileChange[]> {
  const baseCommit = await resolveCommit(repo, base, signal).catch(() => undefined);
  if (!baseCommit) return [];
  const head = await resolveCommit(repo, branch, signal);
  const forkPoint = (await git(['merge-base', baseCommit, head], { cwd: repo, signal }).catch(() => baseCommit)).trim();
  return changedFiles(repo, forkPoint, head, signal);
}

async function openLocally(input: PrGeneratorInput, p: Prepared, ctx: TaskContext): Promise<PrGeneratorOutput> {
  const dir = await outputDir(input.outputDir, p.repo, ctx);
  await pushBranch({ repo: p.repo, remote: p.remote, branch: p.branch, signal: ctx.signal });
  const where = await remoteUrl(p.repo, p.remote, ctx.signal);
  ctx.log(`pushed ${p.branch} to ${where}`);
  const result = await writeLocalPullRequest({
    dir,
    branch: p.branch,
    base: p.base,
    remote: where,
    title: p.title,
    body: p.body,
    labels: input.labels ?? [],
    draft: input.draft ?? false,
    idempotencyKey: ctx.idempotencyKey,
  });
  ctx.log(`${result.created ? 'wrote' : 'updated'} the pull request ${result.file}`);
  return { url: result.url, branch: p.branch, base: p.base, created: result.created, provider: 'local', remote: where, title: p.title, file: result.file };
}

/** `outputDir`, or a folder in the repository's git data; inside the workspace either way, since weft writes there. */
async function outputDir(dir: string | undefined, repo: string, ctx: TaskContext): Promise<string> {
  if (dir) return newWorkspacePath(dir, ctx, `outputDir "${dir}"`);
  const path = join(await commonGitDir(repo, ctx.signal), 'weft', 'pull-requests');
  return newWorkspacePath(path, ctx, `the default outputDir ${path} (in the repository's git folder)`);
}

async function openOnGithub(input: PrGeneratorInput, p: Prepared, ctx: TaskContext): Promise<PrGeneratorOutput> {
  const token = githubToken(ctx.env);
  if (!token) {
    throw new TaskError(ErrorCodes.INVALID_INPUT, 'the github provider needs a token in GITHUB_TOKEN or GH_TOKEN (with contents and pull-requests write access).', {
      retryable: false,
    });
  }
  const url = await remoteUrl(p.repo, p.remote, ctx.signal);
  const name = parseRepoName(input.github?.repository ?? url);
  if (!name) {
    throw new TaskError(ErrorCodes.INVALID_INPUT, `cannot tell the GitHub repository from remote "${p.remote}"; set github.repository to "owner/repo".`, {
      retryable: false,
    });
  }
  const baseUrl = input.github?.baseUrl ?? ctx.env.GITHUB_API_URL ?? process.env.GITHUB_API_URL;
  const api = new GithubApi({ token, baseUrl, timeoutMs: input.github?.timeoutMs, signal: ctx.signal, log: (line) => ctx.log(line) });
  await pushBranch({ repo: p.repo, remote: p.remote, branch: p.branch, signal: ctx.signal, credentials: { webUrl: webUrlOf(api.baseUrl), token } });
  ctx.log(`pushed ${p.branch} to ${p.remote}`);
  const pr = await upsertPullRequest(api, name, { branch: p.branch, base: p.base, title: p.title, body: p.body, draft: input.draft ?? false, labels: input.labels ?? [] });
  ctx.log(`${pr.created ? 'opened' : 'updated'} pull request #${pr.number}: ${pr.url}`);
  return { url: pr.url, number: pr.number, branch: p.branch, base: p.base, created: pr.created, provider: 'github', remote: p.remote, title: p.title };
}

/** A breaker key for a GitHub API base URL; a malformed one is left to fail on its own. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
