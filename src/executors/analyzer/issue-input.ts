/**
 * The analyzer's `issue` input, whichever form it was given in, as issue data. A URL,
 * `owner/repo#n` or a bare number is read from GitHub; a bare number needs to know
 * the repository, from `github.repository` or the checkout's `origin` remote. A
 * `.json` or `.yaml` file holds the issue itself, e.g. what
 * `gh issue view N --json number,title,body,labels,url` prints.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import type { TaskContext } from '../../engine/executor.js';
import { gitResult } from '../git/git.js';
import { GithubApi, githubToken } from '../github/client.js';
import { fetchIssue } from '../github/issues.js';
import { parseIssueRef, parseRepoName, type RepoName } from '../github/repository.js';
import { workspacePath } from '../workspace-path.js';
import type { AnalyzerInput, IssueData } from './types.js';

const ISSUE_FILE = /\.(?:json|ya?ml)$/i;

export async function resolveIssue(input: AnalyzerInput, repo: string | undefined, ctx: TaskContext): Promise<IssueData> {
  const issue = input.issue;
  if (typeof issue === 'object') {
    return {
      ...(issue.number === undefined ? {} : { number: issue.number }),
      title: issue.title,
      body: issue.body ?? '',
      labels: issue.labels ?? [],
      ...(issue.url === undefined ? {} : { url: issue.url }),
    };
  }
  const ref = parseIssueRef(String(issue));
  if (!ref && typeof issue === 'string' && ISSUE_FILE.test(issue)) {
    return readIssueFile(await workspacePath(issue, ctx, { what: `issue file "${issue}"`, kind: 'file' }));
  }
  if (!ref) {
    throw new TaskError(
      ErrorCodes.INVALID_INPUT,
      `issue ${JSON.stringify(issue)} is neither an issue object, a GitHub issue URL, "owner/repo#number", a number ` +
        'nor a .json/.yaml file. Give { title, body }, https://github.com/OWNER/REPO/issues/N, or a file.',
      { retryable: false },
    );
  }
  const name = ref.owner && ref.repo ? { owner: ref.owner, repo: ref.repo } : await repoNameFor(input, repo, ctx.signal);
  const baseUrl = input.github?.baseUrl ?? ctx.env.GITHUB_API_URL ?? process.env.GITHUB_API_URL;
  // The token goes only to the configured API (github.com's by default), never to a host named by issue text.
  if (baseUrl === undefined && ref.host !== undefined && ref.host !== 'github.com') {
    throw new TaskError(
      ErrorCodes.INVALID_INPUT,
      `the issue URL is on ${ref.host}, but no GitHub API is configured for it (the default is https://api.github.com); ` +
        `set github.baseUrl (or GITHUB_API_URL) to ${ref.host}'s API to fetch it`,
      { retryable: false },
    );
  }
  const api = new GithubApi({
    token: githubToken(ctx.env),
    baseUrl,
    timeoutMs: input.github?.timeoutMs,
    signal: ctx.signal,
    log: (line) => ctx.log(line),
  });
  return fetchIssue(api, name, ref.number);
}

async function repoNameFor(input: AnalyzerInput, repo: string | undefined, signal: AbortSignal): Promise<RepoName> {
  const configured = input.github?.repository;
  const origin = repo ? await gitResult(['remote', 'get-url', '--', 'origin'], { cwd: repo, signal }) : undefined;
  const name = parseRepoName(configured ?? (origin?.code === 0 ? origin.stdout.trim() : ''));
  if (name) return name;
  throw new TaskError(
    ErrorCodes.INVALID_INPUT,
    `issue ${JSON.stringify(input.issue)} names no repository, and none could be found: set github.repository to "owner/repo", ` +
      'or give the issue as https://github.com/OWNER/REPO/issues/N.',
    { retryable: false },
  );
}

async function readIssueFile(path: string): Promise<IssueData> {
  const problem = (why: string) =>
    new TaskError(ErrorCodes.INVALID_INPUT, `issue file ${path} ${why}. It should hold { "title": …, "body": …, "labels": […], "number": … }.`, {
      retryable: false,
    });
  const text = await readFile(path, 'utf8').catch(() => {
    throw problem('cannot be read');
  });
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    throw problem('is not JSON or YAML');
  }
  const raw = (value ?? {}) as { number?: unknown; title?: unknown; body?: unknown; labels?: unknown; url?: unknown };
  if (typeof raw.title !== 'string' || raw.title === '') throw problem('has no "title"');
  const labels = Array.isArray(raw.labels) ? raw.labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown })?.name ?? ''))).filter(Boolean) : [];
  return {
    ...(typeof raw.number === 'number' ? { number: raw.number } : {}),
    title: raw.title,
    body: typeof raw.body === 'string' ? raw.body : '',
    labels,
    ...(typeof raw.url === 'string' ? { url: raw.url } : {}),
  };
}

