/** The resolver's input and output shapes (schemas/executors/resolver.*.json say the same). */
import type { LlmInput } from '../llm/config.js';

export interface ResolverIssue {
  number?: number;
  title: string;
  body?: string;
  labels?: string[];
  url?: string;
}

export interface ResolverInput {
  /** The user's checkout, relative to the task's workdir. It is never changed. */
  repo: string;
  issue: ResolverIssue;
  /** The analyzer's outputs; handed to the command and the model. */
  analysis?: { files?: string[]; summary?: string; [key: string]: unknown };
  strategy: 'command' | 'patch' | 'llm';
  /** `command`: a bash script run in the worktree. */
  command?: string;
  /** `patch`: a patch file, relative to the task's workdir. */
  patch?: string;
  /** The commit to start from. @default HEAD */
  base?: string;
  /** @default weft/issue-<n>-<slug of the title> */
  branch?: string;
  /** Where the worktree goes. @default <repo>/.git/weft/worktrees/<branch> */
  worktree?: string;
  /** A bash script run in the worktree after the change, e.g. the tests. */
  verify?: string;
  commitMessage?: string;
  env?: Record<string, string>;
  llm?: LlmInput;
}

export interface ResolverOutput {
  branch: string;
  worktree: string;
  /** The commit the branch started from. */
  base: string;
  /** The branch's new head. */
  commit: string;
  diff: string;
  files: string[];
  filesChanged: number;
  insertions: number;
  deletions: number;
  /** True only when `verify` ran and passed. */
  verified: boolean;
  verifyLog: string;
  strategy: ResolverInput['strategy'];
}
