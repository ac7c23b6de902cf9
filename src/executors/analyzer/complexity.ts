/**
 * How big the change an issue asks for is likely to be. It cannot be known from
 * text; these are the signs maintainers go by: how many places are involved, words
 * that mean cross-cutting work (refactor, migration, concurrency), words that mean
 * a small one (typo, rename), and what kind of issue it is.
 */
import type { Category } from './signals.js';

export const COMPLEXITIES = ['low', 'medium', 'high'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];

export interface ComplexityInput {
  title: string;
  body: string;
  category: Category;
  filesFound: number;
  hasStackTrace: boolean;
}

export interface ComplexityResult {
  complexity: Complexity;
  /** Phrases that pushed it up, for the analysis's reasons. */
  largeSigns: string[];
}

const LARGE = [
  /\brefactor(?:ing)?\b/i,
  /\bre-?(?:design|architect|write)\b|\barchitecture\b/i,
  /\bbreaking change\b|\bbackwards?[- ]compat/i,
  /\bmigrat(?:e|ion|ing)\b/i,
  /\brace condition\b|\bdeadlock\b|\bconcurren(?:cy|t)\b|\bthread[- ]safe/i,
  /\bintermittent(?:ly)?\b|\bflaky\b|\bnon-?deterministic\b|\bsometimes\b/i,
  /\bmemory leak\b|\bperformance\b|\bslow(?:er|ness)?\b|\bscal(?:e|ing|ability)\b/i,
  /\bdata loss\b|\bcorrupt(?:s|ed|ion)?\b/i,
  /\bacross (?:the|all|every|multiple)\b|\beverywhere\b|\bplugin system\b|\bnew api\b|\bpublic api\b/i,
  /\bsecurity\b|\bauthenticat|\bencrypt/i,
];

const SMALL = [
  /\btypos?\b|\bmisspel|\bspelling\b|\bgrammar\b/i,
  /\bone[- ]line\b|\bone[- ]liner\b|\btrivial\b|\bsmall (?:fix|change)\b|\bminor\b|\bsimple fix\b/i,
  /\brename\b|\bwrong (?:link|text|message|wording|label|default)\b|\bbroken link\b|\boff[- ]by[- ]one\b/i,
];

const CATEGORY_BASE: Record<Category, number> = { docs: -2, chore: 0, question: 0, bug: 1, feature: 2, security: 2 };

export function estimateComplexity(input: ComplexityInput): ComplexityResult {
  const text = `${input.title}\n${input.body.replace(/```[\s\S]*?(?:```|$)/g, ' ')}`;
  const largeSigns = LARGE.map((p) => p.exec(text)?.[0]).filter((m): m is string => m !== undefined);
  const smallSigns = SMALL.filter((p) => p.test(text)).length;
  let points = CATEGORY_BASE[input.category];
  points += Math.min(largeSigns.length, 3) * 1.5 - smallSigns * 2;
  points += input.filesFound >= 5 ? 2 : input.filesFound >= 3 ? 1 : 0;
  // One place pinned down (by a frame, a path or a definition) usually means one local fix.
  if (input.filesFound === 1 || (input.hasStackTrace && input.filesFound === 2)) points -= 1;
  const prose = text.replace(/\s+/g, ' ').length;
  if (prose > 3000) points += 1;
  if (prose < 300) points -= 1;
  const complexity: Complexity = points <= 0 ? 'low' : points < 3 ? 'medium' : 'high';
  return { complexity, largeSigns };
}
