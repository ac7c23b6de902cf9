/**
 * A stand-in for the parts of GitHub's REST API that weft uses, with the request and
 * response shapes of GitHub's documentation: reading an issue, listing, opening and
 * updating pull requests, and adding labels. State lives in memory.
 */
import { startStandIn, type RecordedRequest, type Reply, type StandIn } from './http-stand-in.js';

export interface StandInIssue {
  number: number;
  title: string;
  body: string | null;
  labels: string[];
}

export interface StandInPull {
  number: number;
  owner: string;
  repo: string;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  labels: string[];
}

export interface GithubStandIn extends StandIn {
  /** The API base URL to give Octokit. */
  url: string;
  pulls: StandInPull[];
  addIssue(owner: string, repo: string, issue: Omit<StandInIssue, 'labels'> & { labels?: string[] }): void;
}

const RATE_HEADERS = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-used': '1', 'x-ratelimit-resource': 'core' };

/** `token`: the only credential accepted (as `token X` or `Bearer X`); others get 401. */
export async function startGithubServer(options: { token?: string } = {}): Promise<GithubStandIn> {
  const issues = new Map<string, StandInIssue>();
  const pulls: StandInPull[] = [];
  let nextNumber = 1;
  let origin = '';
  const web = (owner: string, repo: string, kind: string, n: number) => `${origin}/${owner}/${repo}/${kind}/${n}`;

  const pullJson = (p: StandInPull) => ({
    url: `${origin}/repos/${p.owner}/${p.repo}/pulls/${p.number}`,
    html_url: web(p.owner, p.repo, 'pull', p.number),
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    draft: p.draft,
    head: { label: `${p.owner}:${p.head}`, ref: p.head },
    base: { label: `${p.owner}:${p.base}`, ref: p.base },
    labels: p.labels.map((name) => ({ name })),
  });

  const handle = (req: RecordedRequest): Reply => {
    if (options.token !== undefined) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) {
        return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
      }
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(issues|pulls)(?:\/(\d+))?(\/labels)?$/.exec(req.path);
    if (!m) return notFound();
    const [, owner = '', repo = '', kind, num, labels] = m;
    const number = num === undefined ? undefined : Number(num);
    if (kind === 'issues' && number !== undefined && labels && req.method === 'POST') return addLabels(owner, repo, number, req.body);
    if (kind === 'issues' && number !== undefined && req.method === 'GET') return getIssue(owner, repo, number);
    if (kind === 'pulls' && number === undefined && req.method === 'GET') return listPulls(owner, repo, req.query);
    if (kind === 'pulls' && number === undefined && req.method === 'POST') return createPull(owner, repo, req.body);
    if (kind === 'pulls' && number !== undefined && req.method === 'PATCH') return updatePull(number, req.body);
    return notFound();
  };

  const getIssue = (owner: string, repo: string, number: number): Reply => {
    const issue = issues.get(`${owner}/${repo}#${number}`);
    if (!issue) return notFound();
    return ok({
      number,
      html_url: web(owner, repo, 'issues', number),
      title: issue.title,
      body: issue.body,
      state: 'open',
      labels: issue.labels.map((name, id) => ({ id, name, color: 'ededed' })),
      user: { login: 'reporter' },
    });
  };

  const listPulls = (owner: string, repo: string, query: Record<string, string>): Reply => {
    const state = query.state ?? 'open';
    const found = pulls.filter(
      (p) => p.owner === owner && p.repo === repo && (state === 'all' || p.state === state) && (!query.head || `${p.owner}:${p.head}` === query.head),
    );
    return ok(found.map(pullJson));
  };

  const createPull = (owner: string, repo: string, body: unknown): Reply => {
    const b = (body ?? {}) as Partial<Record<'title' | 'head' | 'base' | 'body', string>> & { draft?: boolean };
    if (!b.title || !b.head || !b.base) return invalid('title, head and base are required');
    if (pulls.some((p) => p.owner === owner && p.repo === repo && p.head === b.head && p.state === 'open')) {
      return invalid(`A pull request already exists for ${owner}:${b.head}.`);
    }
    const pull: StandInPull = { number: nextNumber++, owner, repo, title: b.title, body: b.body ?? '', head: b.head, base: b.base, draft: b.draft ?? false, state: 'open', labels: [] };
    pulls.push(pull);
    return { status: 201, headers: RATE_HEADERS, body: pullJson(pull) };
  };

  const updatePull = (number: number, body: unknown): Reply => {
    const pull = pulls.find((p) => p.number === number);
    if (!pull) return notFound();
    Object.assign(pull, body as Partial<StandInPull>);
    return ok(pullJson(pull));
  };

  const addLabels = (owner: string, repo: string, number: number, body: unknown): Reply => {
    const pull = pulls.find((p) => p.owner === owner && p.repo === repo && p.number === number);
    if (!pull) return notFound();
    const names = ((body as { labels?: string[] } | undefined)?.labels ?? []).filter((n) => !pull.labels.includes(n));
    pull.labels.push(...names);
    return ok(pull.labels.map((name, id) => ({ id, name, color: 'ededed' })));
  };

  const standIn = await startStandIn(handle);
  origin = standIn.origin;
  return {
    ...standIn,
    url: standIn.origin,
    pulls,
    addIssue(owner, repo, issue) {
      issues.set(`${owner}/${repo}#${issue.number}`, { ...issue, labels: issue.labels ?? [] });
      nextNumber = Math.max(nextNumber, issue.number + 1);
    },
  };
}

function ok(body: unknown): Reply {
  return { status: 200, headers: RATE_HEADERS, body };
}

function notFound(): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}

function invalid(message: string): Reply {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message }], documentation_url: 'https://docs.github.com/rest' },
  };
}
