/** The pr-generator's input and output shapes (schemas/executors/pr-generator.*.json say the same). */

export interface PrIssue {
  number?: number;
  title: string;
  url?: string;
}

export interface PrAnalysis {
  category?: string;
  summary?: string;
  complexity?: string;
}

export interface PrResolution {
  verified?: boolean;
  verifyLog?: string;
  strategy?: string;
}

export interface PrReview {
  approved?: boolean;
  score?: number;
  summary?: string;
  findings?: { severity: string; rule: string; message: string; file?: string; line?: number }[];
  checks?: { name: string; passed: boolean }[];
}

export interface PrGeneratorInput {
  /** A checkout of the repository (any of its worktrees), relative to the task's workdir. */
  repo: string;
  branch: string;
  /** The branch the pull request targets. @default main */
  base?: string;
  /** @default from the issue and the analysis */
  title?: string;
  /** @default a description built from the issue, analysis, resolution and review */
  body?: string;
  labels?: string[];
  draft?: boolean;
  /** @default 'local' */
  provider?: 'local' | 'github';
  /** A remote name, URL or path to push to. @default origin */
  remote?: string;
  /** `local`: where the pull request's markdown goes. @default <repo>/.git/weft/pull-requests */
  outputDir?: string;
  issue?: PrIssue;
  analysis?: PrAnalysis;
  resolution?: PrResolution;
  review?: PrReview;
  github?: { repository?: string; baseUrl?: string; timeoutMs?: number };
}

export interface PrGeneratorOutput {
  url: string;
  number?: number;
  branch: string;
  base: string;
  created: boolean;
  provider: 'local' | 'github';
  remote: string;
  title: string;
  /** `local`: the markdown file written. */
  file?: string;
}
