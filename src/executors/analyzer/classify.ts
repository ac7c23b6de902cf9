/**
 * Which kind of issue this is, by adding up evidence: labels, a title prefix, a
 * stack trace, the phrases in `signals.ts`. Phrases are counted once each, and per
 * category they are capped, so that a long bug template cannot outvote a label.
 */
import {
  CATEGORIES,
  LABEL_WEIGHT,
  LABELS,
  PHRASE_CAP,
  PHRASES,
  STACK_TRACE,
  TITLE_PREFIX_WEIGHT,
  TITLE_PREFIXES,
  type Category,
} from './signals.js';

export interface IssueText {
  title: string;
  body: string;
  labels: readonly string[];
}

export interface Classification {
  category: Category;
  /** 0–1: how clearly the evidence points at `category` rather than the runner-up. */
  confidence: number;
  scores: Record<Category, number>;
  /** What decided it, for the log: e.g. `label "bug"`, `stack trace`. */
  evidence: string[];
  hasStackTrace: boolean;
}

/** A security phrase this strong routes the issue to security whatever else it says. */
const SECURITY_THRESHOLD = 5;

export function classify(issue: IssueText): Classification {
  const scores = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const evidence: string[] = [];
  const add = (category: Category, weight: number, why: string): void => {
    scores[category] += weight;
    evidence.push(`${why} → ${category}`);
  };
  for (const label of issue.labels) {
    const category = labelCategory(label);
    if (category) add(category, LABEL_WEIGHT, `label "${label}"`);
  }
  const prefix = TITLE_PREFIXES.find((entry) => entry.pattern.test(issue.title));
  if (prefix) add(prefix.category, TITLE_PREFIX_WEIGHT, 'title prefix');
  const prose = withoutCode(`${issue.title}\n${issue.body}`);
  const hasStackTrace = STACK_TRACE.some((pattern) => pattern.test(issue.body));
  if (hasStackTrace) add('bug', 3, 'stack trace');
  addPhrases(prose, scores, evidence);
  addQuestionShape(issue, scores, evidence);
  return decide(scores, evidence, hasStackTrace);
}

function addPhrases(prose: string, scores: Record<Category, number>, evidence: string[]): void {
  const fromPhrases = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const phrase of PHRASES) {
    const match = phrase.pattern.exec(prose);
    if (match) {
      fromPhrases[phrase.category] += phrase.weight;
      evidence.push(`"${match[0].toLowerCase()}" → ${phrase.category}`);
    }
  }
  for (const category of CATEGORIES) {
    const cap = category === 'security' ? Infinity : PHRASE_CAP;
    scores[category] += Math.min(fromPhrases[category], cap);
  }
}

/** A title that is a question, from someone who reports no failure, is most likely a question. */
function addQuestionShape(issue: IssueText, scores: Record<Category, number>, evidence: string[]): void {
  const title = issue.title.trim();
  const asks = /\?\s*$/.test(title) || /^(?:how|what|why|when|where|which|is|are|can|could|does|do|should|would)\b/i.test(title);
  if (!asks) return;
  const weight = scores.bug >= 4 ? 1 : 3;
  scores.question += weight;
  evidence.push(`title asks a question → question`);
}

function decide(scores: Record<Category, number>, evidence: string[], hasStackTrace: boolean): Classification {
  const top = [...CATEGORIES].sort((a, b) => scores[b] - scores[a])[0] as Category;
  const category: Category = scores.security >= SECURITY_THRESHOLD ? 'security' : scores[top] > 0 ? top : 'feature';
  const best = scores[category];
  const runnerUp = Math.max(...CATEGORIES.filter((c) => c !== category).map((c) => scores[c]), 0);
  const margin = best > 0 ? (best - Math.min(runnerUp, best)) / best : 0;
  const strength = Math.min(best, 10) / 10;
  const confidence = Math.round((0.15 + 0.45 * margin + 0.4 * strength) * 100) / 100;
  return { category, confidence: Math.min(confidence, 0.99), scores, evidence, hasStackTrace };
}

/** `type: bug`, `kind/bug`, `T-bug`, `🐛 bug` → the category its last word names. */
function labelCategory(label: string): Category | undefined {
  const name = label
    .toLowerCase()
    .replace(/[^\p{L}\p{N} :/_-]/gu, '')
    .trim();
  const stripped = name.replace(/^(?:type|kind|t|k|category|area|issue)\s*[:/-]\s*/, '').trim();
  return LABELS[stripped] ?? LABELS[name];
}

/** The text with fenced code blocks removed: phrases inside logs and code are not the author's words. */
export function withoutCode(text: string): string {
  return text.replace(/```[\s\S]*?(?:```|$)/g, '\n').replace(/^(?: {4}|\t).*$/gm, '');
}
