/**
 * The `local` provider's pull request: a markdown file per branch, with the PR's
 * metadata in front matter. Writing it again for the same branch updates it, as
 * the github provider updates an open PR.
 */
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';

export interface LocalPullRequest {
  dir: string;
  branch: string;
  base: string;
  remote: string;
  title: string;
  body: string;
  labels: string[];
  draft: boolean;
  idempotencyKey: string;
}

export interface LocalResult {
  file: string;
  url: string;
  created: boolean;
}

export async function writeLocalPullRequest(pr: LocalPullRequest): Promise<LocalResult> {
  await mkdir(pr.dir, { recursive: true });
  const file = join(pr.dir, `${pr.branch.replaceAll('/', '-')}.md`);
  const previous = await readPrevious(file);
  const now = new Date().toISOString();
  const opened = openedAt(previous) ?? now;
  const meta = {
    branch: pr.branch,
    base: pr.base,
    remote: pr.remote,
    labels: pr.labels,
    draft: pr.draft,
    idempotencyKey: pr.idempotencyKey,
    opened,
    updated: now,
  };
  const text = `---\n${stringify(meta).trimEnd()}\n---\n\n# ${pr.title}\n\n${pr.body.trimEnd()}\n`;
  // Write then rename, so a reader never sees half a file. The partial file is made
  // new (`wx`), so a link left in its place is replaced, never written through.
  const partial = `${file}.${process.pid}.tmp`;
  await rm(partial, { force: true });
  await writeFile(partial, text, { flag: 'wx' });
  await rename(partial, file);
  return { file, url: pathToFileURL(file).href, created: previous === undefined };
}

/** The PR written before, when `file` is a regular file: a link there (to anywhere) is replaced, not read. */
async function readPrevious(file: string): Promise<string | undefined> {
  const info = await lstat(file).catch(() => undefined);
  return info?.isFile() ? readFile(file, 'utf8') : undefined;
}

/** When the PR in `text` (a file this module wrote) was first written. */
function openedAt(text: string | undefined): string | undefined {
  const front = text === undefined ? undefined : /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1];
  if (front === undefined) return undefined;
  try {
    const opened = (parse(front) as { opened?: unknown } | null)?.opened;
    return typeof opened === 'string' ? opened : undefined;
  } catch {
    return undefined;
  }
}
