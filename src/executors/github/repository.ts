/** Names of GitHub repositories and issues, read from URLs, remotes and short forms. */
import { ErrorCodes, TaskError } from '../../engine/errors.js';

export interface RepoName {
  owner: string;
  repo: string;
  /** The web host, e.g. github.com. */
  host?: string;
}

export interface IssueRef extends Partial<RepoName> {
  number: number;
}

const NAME = '[A-Za-z0-9_.-]+';
const ISSUE_URL = new RegExp(`^https?://([^/\\s]+)/(${NAME})/(${NAME})/(?:issues|pull)/(\\d+)/?(?:[?#].*)?$`);
const SHORT_ISSUE = new RegExp(`^(?:(${NAME})/(${NAME}))?#?(\\d+)$`);
const REMOTE_URLS = [
  new RegExp(`^(?:https?|ssh|git)://(?:[^@/]+@)?([^/:]+)(?::\\d+)?/(${NAME})/(${NAME}?)(?:\\.git)?/?$`),
  new RegExp(`^(?:[^@/]+@)?([^/:]+):(${NAME})/(${NAME}?)(?:\\.git)?$`),
];

/**
 * Why `name` cannot be an owner or repository name, or undefined when it can. Names
 * of dots alone would become `..` segments of an API path and lead elsewhere.
 */
export function repoNameProblem(name: string): string | undefined {
  if (!new RegExp(`^${NAME}$`).test(name)) return 'it may hold only letters, digits, ".", "-" and "_"';
  if (/^\.+$/.test(name)) return 'it is only dots, which would climb out of the API path';
  return undefined;
}

/** Throws a non-retryable `INVALID_INPUT` unless owner and repo are both safe names. */
export function assertRepoName(name: RepoName): RepoName {
  for (const [what, part] of [['owner', name.owner], ['repository', name.repo]] as const) {
    const problem = repoNameProblem(part);
    if (problem !== undefined) {
      throw new TaskError(ErrorCodes.INVALID_INPUT, `${what} name ${JSON.stringify(part)} is not a GitHub name: ${problem}. Give the repository as "owner/repo".`, {
        retryable: false,
      });
    }
  }
  return name;
}

/** `https://github.com/o/r/issues/12`, `o/r#12`, `#12` or `12`; undefined for anything else. */
export function parseIssueRef(text: string): IssueRef | undefined {
  const value = text.trim();
  const url = ISSUE_URL.exec(value);
  if (url) return safe({ host: url[1], owner: url[2] as string, repo: url[3] as string, number: Number(url[4]) });
  const short = SHORT_ISSUE.exec(value);
  if (!short) return undefined;
  const ref: IssueRef = { number: Number(short[3]) };
  if (short[1] && short[2]) Object.assign(ref, { owner: short[1], repo: short[2] });
  return safe(ref);
}

/** Owner and name from `o/r`, or from a remote URL (https, ssh, scp-like `git@host:o/r.git`). */
export function parseRepoName(text: string): RepoName | undefined {
  const value = text.trim();
  const plain = new RegExp(`^(${NAME})/(${NAME})$`).exec(value);
  if (plain) return safe({ owner: plain[1] as string, repo: (plain[2] as string).replace(/\.git$/, '') });
  for (const pattern of REMOTE_URLS) {
    const match = pattern.exec(value);
    if (match) return safe({ host: match[1], owner: match[2] as string, repo: match[3] as string });
  }
  return undefined;
}

function safe<T extends Partial<RepoName>>(name: T): T | undefined {
  for (const part of [name.owner, name.repo]) if (part !== undefined && repoNameProblem(part) !== undefined) return undefined;
  return name;
}
