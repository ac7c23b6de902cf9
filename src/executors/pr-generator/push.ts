/**
 * Pushing the branch. Credentials travel in the environment as an `http.extraHeader`
 * config entry (`GIT_CONFIG_COUNT`/`KEY`/`VALUE`), never in argv, the remote URL, or
 * git's config files, and every message git prints is redacted before it is shown.
 */
import { fileURLToPath } from 'node:url';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import type { TaskContext } from '../../engine/executor.js';
import { GIT_FAILED, gitResult } from '../git/git.js';
import { redact } from '../github/secrets.js';
import { workspacePath } from '../workspace-path.js';

export interface PushOptions {
  repo: string;
  remote: string;
  branch: string;
  signal: AbortSignal;
  /** `https://github.com` and a token: sent as a basic-auth header to that host only. */
  credentials?: { webUrl: string; token: string };
}

const AUTH_FAILURE = /authentication failed|could not read username|permission denied|\b40[13]\b|terminal prompts disabled|invalid username or password/i;
const REJECTED = /\[rejected\]|\[remote rejected\]|non-fast-forward|protected branch/i;

/**
 * Pushes `branch` to the same name on `remote`. Branches under `weft/` are weft's
 * own and are force-pushed, so a rerun that rebuilt the branch replaces it.
 */
export async function pushBranch(options: PushOptions): Promise<void> {
  const { env, secrets } = credentialEnv(options.credentials);
  const force = options.branch.startsWith('weft/') ? '+' : '';
  const refspec = `${force}refs/heads/${options.branch}:refs/heads/${options.branch}`;
  const result = await gitResult(['push', '--porcelain', '--', options.remote, refspec], { cwd: options.repo, signal: options.signal, env });
  if (result.code === 0) return;
  const said = redact(`${result.stderr}\n${result.stdout}`.trim(), secrets);
  const lastWords = said.split('\n').filter(Boolean).slice(-3).join(' / ');
  const auth = AUTH_FAILURE.test(result.stderr);
  const rejected = REJECTED.test(said);
  const hint = auth ? ' Check that GITHUB_TOKEN (or GH_TOKEN) may push to it.' : rejected ? ' The remote refused the branch.' : ' The task will be retried.';
  throw new TaskError(GIT_FAILED, `could not push ${options.branch} to ${redact(options.remote, secrets)}: ${lastWords}.${hint}`, {
    retryable: !auth && !rejected,
    exitCode: result.code ?? undefined,
  });
}

/**
 * `remote` as the push will use it. A configured remote's name and a network URL
 * stay as they are; a folder on this machine (a path, or a `file://` URL), which the
 * push writes into, becomes its real path, and must lie inside the workspace.
 */
export async function pushTarget(repo: string, remote: string, ctx: TaskContext): Promise<string> {
  const configured = await gitResult(['remote', 'get-url', '--', remote], { cwd: repo, signal: ctx.signal });
  if (configured.code === 0) return remote;
  const path = localPath(remote);
  return path === undefined ? remote : workspacePath(path, ctx, { what: `remote "${remote}"`, kind: 'directory' });
}

/**
 * The folder git reads `remote` as, by git's own rules: `scheme://` is a URL (a local
 * one for `file://`), `helper::address` a remote helper, and `host:path` with no `/`
 * before the colon an ssh address; anything else is a path.
 */
function localPath(remote: string): string | undefined {
  if (/^file:\/\//i.test(remote)) {
    try {
      return fileURLToPath(remote);
    } catch (error) {
      throw new TaskError(ErrorCodes.INVALID_INPUT, `remote "${remote}" is not a file URL of this machine: ${(error as Error).message}.`, { retryable: false });
    }
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*(?::\/\/|::)/.test(remote)) return undefined;
  const colon = remote.indexOf(':');
  const slash = remote.indexOf('/');
  return colon === -1 || (slash !== -1 && slash < colon) ? remote : undefined;
}

/** The URL a remote name stands for, or the argument itself when it is already a URL or path. */
export async function remoteUrl(repo: string, remote: string, signal: AbortSignal): Promise<string> {
  const result = await gitResult(['remote', 'get-url', '--', remote], { cwd: repo, signal });
  return result.code === 0 ? result.stdout.trim() : remote;
}

/** Whether `repo` has a branch `branch`; pushing one that does not exist is a usage mistake, not a retry. */
export async function branchExists(repo: string, branch: string, signal: AbortSignal): Promise<boolean> {
  const result = await gitResult(['rev-parse', '--verify', '--quiet', '--end-of-options', `refs/heads/${branch}`], { cwd: repo, signal });
  return result.code === 0;
}

function credentialEnv(credentials: PushOptions['credentials']): { env: Record<string, string>; secrets: string[] } {
  if (!credentials) return { env: {}, secrets: [] };
  const basic = Buffer.from(`x-access-token:${credentials.token}`).toString('base64');
  return {
    env: {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `http.${credentials.webUrl}/.extraheader`,
      GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
    },
    secrets: [credentials.token, basic],
  };
}
