/** What changed between two commits: per-file counts, the diff text, and its added lines. */
import { git } from './git.js';

export interface FileChange {
  path: string;
  insertions: number;
  deletions: number;
  binary: boolean;
}

export interface DiffTotals {
  filesChanged: number;
  insertions: number;
  deletions: number;
}

export interface AddedLine {
  file: string;
  /** 1-based line number in the new version of the file. */
  line: number;
  text: string;
}

/** One entry per changed file (renames as a deletion and an addition). */
export async function changedFiles(cwd: string, from: string, to: string, signal: AbortSignal): Promise<FileChange[]> {
  const out = await git(['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--end-of-options', from, to, '--'], { cwd, signal });
  const changes: FileChange[] = [];
  for (const record of out.split('\0').filter(Boolean)) {
    const [ins = '', del = '', ...rest] = record.split('\t');
    const binary = ins === '-' && del === '-';
    changes.push({ path: rest.join('\t'), insertions: binary ? 0 : Number(ins), deletions: binary ? 0 : Number(del), binary });
  }
  return changes;
}

/** The unified diff, without colour or external diff drivers. */
export function diffText(cwd: string, from: string, to: string, signal: AbortSignal): Promise<string> {
  return git(['diff', '--no-color', '--no-ext-diff', '--no-renames', '--end-of-options', from, to, '--'], { cwd, signal });
}

export function totals(changes: readonly FileChange[]): DiffTotals {
  return {
    filesChanged: changes.length,
    insertions: changes.reduce((sum, c) => sum + c.insertions, 0),
    deletions: changes.reduce((sum, c) => sum + c.deletions, 0),
  };
}

/** Every `+` line of a unified diff, with its file and its line number in the new file. */
export function addedLines(diff: string): AddedLine[] {
  const added: AddedLine[] = [];
  let file = '';
  let line = 0;
  // File headers sit between `diff --git` and the first hunk, so an added line that
  // itself starts with "++ " is never taken for one.
  let inHeader = false;
  for (const text of diff.split('\n')) {
    if (text.startsWith('diff --git ')) {
      inHeader = true;
      file = '';
    } else if (inHeader && text.startsWith('+++ ')) {
      file = text === '+++ /dev/null' ? '' : text.slice(4).replace(/^b\//, '');
    } else if (text.startsWith('@@')) {
      inHeader = false;
      line = Number(/\+(\d+)/.exec(text)?.[1] ?? 0);
    } else if (!inHeader && text.startsWith('+') && file) {
      added.push({ file, line, text: text.slice(1) });
      line++;
    } else if (text.startsWith(' ')) {
      line++;
    }
  }
  return added;
}
