/** Reading an issue: `GET /repos/{owner}/{repo}/issues/{number}`. */
import type { GithubApi } from './client.js';
import { assertRepoName, type RepoName } from './repository.js';

export interface Issue {
  number?: number;
  title: string;
  body: string;
  labels: string[];
  url?: string;
}

export async function fetchIssue(api: GithubApi, repo: RepoName, number: number): Promise<Issue> {
  assertRepoName(repo);
  const where = `${repo.owner}/${repo.repo}#${number}`;
  const { data } = await api.call(`read issue ${where}`, (octokit) =>
    octokit.rest.issues.get({ owner: repo.owner, repo: repo.repo, issue_number: number }),
  );
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? '',
    labels: data.labels.map((label) => (typeof label === 'string' ? label : label.name ?? '')).filter(Boolean),
    url: data.html_url,
  };
}
