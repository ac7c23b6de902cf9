/** The reviewer's input and output shapes (schemas/executors/reviewer.*.json say the same). */
import type { LlmInput } from '../llm/config.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  rule: string;
  message: string;
  file?: string;
  line?: number;
}

export interface ReviewPolicy {
  /** @default 25 */
  maxFilesChanged?: number;
  /** Insertions plus deletions. @default 1000 */
  maxLinesChanged?: number;
  /** Deleting more lines than this from one file is flagged. @default 200 */
  maxDeletionsPerFile?: number;
  forbiddenPaths?: string[];
  /** When set, every changed file must match one. */
  allowedPaths?: string[];
  /** Flag code changed without a test changed. @default true */
  requireTests?: boolean;
  /** The lowest score that is approved. @default 60 */
  minScore?: number;
}

export interface CheckSpec {
  name: string;
  run: string;
}

export interface ReviewerInput {
  /** The resolver's worktree: HEAD is the change to review. */
  worktree: string;
  /** What the change is compared with: the resolver's `base`. */
  base: string;
  branch?: string;
  checks?: (string | CheckSpec)[];
  policy?: ReviewPolicy;
  /** Also ask a model to review the diff. @default false */
  llmReview?: boolean;
  llm?: LlmInput;
  env?: Record<string, string>;
}

export interface CheckResult {
  name: string;
  passed: boolean;
  exitCode: number | null;
  logTail: string;
}

export interface ReviewerOutput {
  approved: boolean;
  score: number;
  findings: Finding[];
  requiresHuman: boolean;
  reasons: string[];
  checks: CheckResult[];
  filesChanged: number;
  linesChanged: number;
  summary: string;
}
