/** The analyzer's input and output shapes (schemas/executors/analyzer.*.json say the same). */
import type { LlmInput } from '../llm/config.js';
import type { Complexity } from './complexity.js';
import type { LocationReason } from './locate.js';
import type { Category } from './signals.js';

export interface IssueData {
  number?: number;
  title: string;
  body: string;
  labels: string[];
  url?: string;
}

export interface AnalyzerInput {
  /** The issue itself, or a GitHub issue URL, `owner/repo#n`, or a number (with `github.repository`). */
  issue: { number?: number; title: string; body?: string; labels?: string[]; url?: string } | string | number;
  /** A local checkout, relative to the task's workdir. Without it, no files are located. */
  repo?: string;
  /** @default 'heuristic' */
  provider?: 'heuristic' | 'llm';
  github?: { repository?: string; baseUrl?: string; timeoutMs?: number };
  llm?: LlmInput;
}

export interface Analysis {
  category: Category;
  complexity: Complexity;
  summary: string;
  keywords: string[];
  files: string[];
  locations: { file: string; line?: number; why: LocationReason | 'model' }[];
  confidence: number;
  requiresHuman: boolean;
  reasons: string[];
  /** What decided the category, for people reading the run. */
  evidence: string[];
  provider: 'heuristic' | 'llm';
  issue: IssueData;
}
