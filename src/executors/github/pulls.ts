/**
 * Opening a pull request so that doing it twice is harmless: an open PR whose head
 * is the branch is updated and returned instead of a second one being opened. This
 * is what makes a retried or resumed pr-generator task safe.
 */
import type { Octokit } from '@octokit/rest';
import type { GithubApi } from './client.js';
import { assertRepoName, type RepoName } from './repository.js';

export interface PullRequestSpec {
  branch: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  labels: string[];
}

export interface PullRequestResult {
  url: string;
  number: number;
  created: boolean;
}

export async function upsertPullRequest(api: GithubApi, repo: RepoName, spec: PullRequestSpec): Promise<PullRequestResult> {
  assertRepoName(repo);
  const name = `${repo.owner}/${repo.repo}`;
  const result = await api.call(`open a pull request for ${spec.branch} on ${name}`, async (octokit) => {
    const existing = await findOpen(octokit, repo, spec.branch);
    if (existing !== undefined) return update(octokit, repo, existing, spec);
    return create(octokit, repo, spec);
  });
  if (spec.labels.length > 0) {
    await api.call(`label pull request #${result.number} on ${name}`, (octokit) =>
      octokit.rest.issues.addLabels({ owner: repo.owner, repo: repo.repo, issue_number: result.number, labels: spec.labels }),
    );
  }
  return result;
}

async function findOpen(octokit: Octokit, repo: RepoName, branch: string): Promise<number | undefined> {
  const { data } = await octokit.rest.pulls.list({
    owner: repo.owner,
    repo: repo.repo,
    head: `${repo.owner}:${branch}`,
    state: 'open',
    per_page: 1,
  });
  return data[0]?.number;
}

async function update(octokit: Octokit, repo: RepoName, number: number, spec: PullRequestSpec): Promise<PullRequestResult> {
  const { data } = await octokit.rest.pulls.update({
    owner: repo.owner,
    repo: repo.repo,
    pull_number: number,
    title: spec.title,
    body: spec.body,
    base: spec.base,
  });
  return { url: data.html_url, number: data.number, created: false };
}

async function create(octokit: Octokit, repo: RepoName, spec: PullRequestSpec): Promise<PullRequestResult> {
  try {
    const { data } = await octokit.rest.pulls.create({
      owner: repo.owner,
      repo: repo.repo,
      head: spec.branch,
      base: spec.base,
      title: spec.title,
      body: spec.body,
      draft: spec.draft,
    });
    return { url: data.html_url, number: data.number, created: true };
  } catch (error) {
    // Another attempt opened it between our look-up and our create: update that one.
    const raced = (error as { status?: number }).status === 422 ? await findOpen(octokit, repo, spec.branch) : undefined;
    if (raced === undefined) throw error;
    return update(octokit, repo, raced, spec);
  }
}
