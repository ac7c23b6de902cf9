/**
 * The offline analyzer: classification, references located in the repository,
 * complexity, and whether a person should take the issue instead of weft. Same
 * issue and same repository, same answer.
 */
import { classify, withoutCode } from './classify.js';
import { estimateComplexity } from './complexity.js';
import { locate, type Location } from './locate.js';
import { extractReferences } from './references.js';
import type { Analysis, IssueData } from './types.js';

/** Below this, the evidence is too thin to act on without a person. */
export const MIN_CONFIDENCE = 0.35;
const MAX_KEYWORDS = 8;
/** Locations this sure (a path or frame, or an identifier defined there) say how spread out the change is. */
const STRONG_LOCATION = 2.5;
const MAX_SUMMARY_CHARS = 280;

const TYPE_PREFIX =
  /^\s*(?:bug|fix|feat|feature|feature request|docs?|documentation|chore|refactor|ci|build|deps(?:-dev)?|tests?|style|perf|question|q|help|security|proposal|rfc|idea|request|enhancement|typo|regression|crash|cleanup)(?:\([^)]*\))?!?:\s+/i;
const GREETING = /^(?:hi|hello|hey|hi there|hello there|thanks|thank you|good (?:morning|afternoon|evening))\b[\s\w]{0,12}[.!,]*$/i;
const STOPWORDS = new Set(
  ('the a an and or but if then else when with without from into onto for not no yes this that these those there their ' +
    'have has had does doing done make makes made using used use when what which while would could should will shall ' +
    'issue problem error bug feature request question please help thanks about after before some more most than also only ' +
    'just like able work works working support docs documentation page file files version cannot can\'t doesn\'t').split(/\s+/),
);

export async function analyzeHeuristically(issue: IssueData, repo: string | undefined, signal: AbortSignal): Promise<Analysis> {
  const classification = classify(issue);
  const refs = extractReferences(issue.title, issue.body);
  const locations: Location[] = repo ? await locate(repo, refs, signal) : [];
  const { complexity, largeSigns } = estimateComplexity({
    title: issue.title,
    body: issue.body,
    category: classification.category,
    filesFound: locations.filter((l) => l.score >= STRONG_LOCATION).length,
    hasStackTrace: classification.hasStackTrace,
  });
  const reasons = humanReasons(issue, classification.category, classification.confidence, complexity === 'high', largeSigns);
  return {
    category: classification.category,
    complexity,
    summary: summarize(issue),
    keywords: keywords(issue.title, refs.identifiers),
    files: locations.map((l) => l.file),
    locations: locations.map(({ file, line, why }) => (line === undefined ? { file, why } : { file, line, why })),
    confidence: classification.confidence,
    requiresHuman: reasons.length > 0,
    reasons,
    evidence: classification.evidence,
    provider: 'heuristic',
    issue,
  };
}

function humanReasons(issue: IssueData, category: string, confidence: number, high: boolean, largeSigns: string[]): string[] {
  const reasons: string[] = [];
  if (category === 'security') {
    reasons.push('it reads as a security report: a maintainer should handle it privately, not in a public pull request');
  }
  if (category === 'question') reasons.push('it asks a question, which needs an answer rather than a code change');
  if (high) {
    const why = largeSigns.length ? ` (it mentions ${largeSigns.slice(0, 3).map((s) => `"${s.toLowerCase()}"`).join(', ')})` : '';
    reasons.push(`the change looks large${why}: a maintainer should plan it`);
  }
  if (confidence < MIN_CONFIDENCE) reasons.push(`its kind is unclear (confidence ${confidence}): too few signals of what it asks for`);
  if (withoutCode(issue.body).trim().length < 20 && issue.title.trim().split(/\s+/).length < 4) {
    reasons.push('it says too little to act on');
  }
  return reasons;
}

/** The cleaned title, then the first sentence the author wrote (not a template's heading or prompt). */
export function summarize(issue: IssueData): string {
  const title = cleanTitle(issue.title);
  const sentence = firstSentence(issue.body);
  const joiner = /[.!?]$/.test(title) ? ' ' : '. ';
  const text = sentence && !title.toLowerCase().includes(sentence.toLowerCase()) ? `${title}${joiner}${sentence}` : title;
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1).trimEnd()}…` : text;
}

export function cleanTitle(title: string): string {
  const text = title
    .replace(/^\s*(?:\[[^\]]{1,30}\]\s*)+/, '')
    .replace(TYPE_PREFIX, '')
    .trim()
    .replace(/[.\s]+$/, '');
  // `parseDuration fails` keeps its identifier as written; `link is broken` becomes a sentence.
  return /^[a-z]+\b(?![_$(.])/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

function firstSentence(body: string): string {
  const lines = body
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/```[\s\S]*?(?:```|$)/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(?:#|>|[-*+] |\d+[.)] |\||<|\*\*[^*]+\*\*:?$|_+$|-{3,}$)/.test(l))
    .filter((l) => !/^(?:a clear and concise|describe the|steps to reproduce|to reproduce|expected behaviou?r|screenshots|additional context)/i.test(l));
  const sentences = lines.flatMap((line) => line.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').match(/(?:[^.!?]|[.!?](?!\s|$))+[.!?]*/g) ?? []);
  const sentence = sentences.map((s) => s.trim()).find((s) => !GREETING.test(s)) ?? '';
  return sentence.replace(/\*\*|__|`/g, '').replace(/[.\s]+$/, '').trim();
}

function keywords(title: string, identifiers: readonly string[]): string[] {
  const words = cleanTitle(title)
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, ''))
    .filter((w) => w.length >= 4 && /^[a-z0-9][a-z0-9_.-]*$/.test(w) && !STOPWORDS.has(w) && !/^[\d.]+$/.test(w));
  const seen = new Set<string>();
  const unique = [...identifiers, ...words].filter((w) => !seen.has(w.toLowerCase()) && seen.add(w.toLowerCase()));
  return unique.slice(0, MAX_KEYWORDS);
}
