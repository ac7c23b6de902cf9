/**
 * The evidence the heuristic analyzer weighs, as data: what labels, title prefixes
 * and phrases of real issue trackers say about an issue's category. Weights are
 * relative: a label or title prefix is an author's explicit statement and outweighs
 * any single phrase in the body.
 */

export const CATEGORIES = ['bug', 'feature', 'docs', 'question', 'chore', 'security'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Phrase {
  category: Category;
  pattern: RegExp;
  weight: number;
}

export const LABEL_WEIGHT = 6;
export const TITLE_PREFIX_WEIGHT = 5;
/** A category whose phrases add up to more than this counts no more than this. */
export const PHRASE_CAP = 6;

/** Label names, after lowercasing and dropping prefixes such as `type:` or `kind/`. */
export const LABELS: Record<string, Category> = {
  bug: 'bug', defect: 'bug', regression: 'bug', crash: 'bug', broken: 'bug', error: 'bug',
  feature: 'feature', enhancement: 'feature', 'feature request': 'feature', 'feature-request': 'feature',
  proposal: 'feature', rfc: 'feature', idea: 'feature', improvement: 'feature', 'new feature': 'feature',
  docs: 'docs', documentation: 'docs', doc: 'docs', typo: 'docs', readme: 'docs',
  question: 'question', support: 'question', 'how-to': 'question', discussion: 'question',
  chore: 'chore', dependencies: 'chore', deps: 'chore', dependency: 'chore', ci: 'chore', maintenance: 'chore',
  refactor: 'chore', refactoring: 'chore', build: 'chore', tooling: 'chore', infra: 'chore', 'tech debt': 'chore',
  'tech-debt': 'chore', cleanup: 'chore', test: 'chore', tests: 'chore',
  security: 'security', vulnerability: 'security', cve: 'security',
};

/** Conventional-commit and bracketed prefixes at the start of a title. */
export const TITLE_PREFIXES: { pattern: RegExp; category: Category }[] = [
  { pattern: /^\s*(?:\[\s*)?(?:bug|fix|defect|regression|crash)(?:\([^)]*\))?\s*(?:\]|:|!:)/i, category: 'bug' },
  { pattern: /^\s*(?:\[\s*)?(?:feat|feature|feature request|fr|enhancement|proposal|rfc|idea|request)(?:\([^)]*\))?\s*(?:\]|:|!:)/i, category: 'feature' },
  { pattern: /^\s*(?:\[\s*)?(?:docs?|documentation|typo)(?:\([^)]*\))?\s*(?:\]|:|!:)/i, category: 'docs' },
  { pattern: /^\s*(?:\[\s*)?(?:question|q|help|support|how ?to)(?:\([^)]*\))?\s*(?:\]|:)/i, category: 'question' },
  { pattern: /^\s*(?:\[\s*)?(?:chore|refactor|ci|build|deps|test|tests|style|perf|cleanup)(?:\([^)]*\))?\s*(?:\]|:|!:)/i, category: 'chore' },
  { pattern: /^\s*(?:\[\s*)?(?:security|vuln|vulnerability|cve)(?:\([^)]*\))?\s*(?:\]|:)/i, category: 'security' },
];

const p = (category: Category, weight: number, pattern: RegExp): Phrase => ({ category, weight, pattern });

export const PHRASES: Phrase[] = [
  p('bug', 2, /\bsteps to reproduce\b|\bto reproduce\b|\breproduction\b|\brepro(?:duce)?\b/i),
  p('bug', 2, /\b(?:expected|actual|current|observed) (?:behaviou?r|result|output)\b/i),
  p('bug', 1.5, /\bcrash(?:es|ed|ing)?\b|\bsegfault|\bpanic(?:s|ked)?\b|\bhangs?\b|\bfreez(?:es|ing)\b/i),
  p('bug', 1.5, /\b(?:does ?n[o']?t|do ?n[o']?t|is ?n[o']?t|no longer|stopped) work(?:s|ing)?\b|\bnot working\b|\bbroken\b|\bbreaks\b/i),
  p('bug', 1, /\bregression\b|\bused to work\b|\bsince (?:upgrading|updating|version|v?\d)/i),
  p('bug', 1, /\bthrows?\b|\bexception\b|\berror\b|\bfail(?:s|ed|ing|ure)?\b/i),
  p('bug', 1.5, /\bi (?:expected|expect|would expect)\b|\bexpected (?:it|the|a|an|to|output|result)\b|\bbut (?:got|it|instead)\b/i),
  p('bug', 1, /\bwrong\b|\bincorrect(?:ly)?\b|\bunexpected(?:ly)?\b|\binstead of\b|\bbug\b/i),
  p('bug', 1, /\bundefined is not\b|\bcannot read propert|\bnull pointer|\bnullpointerexception\b|\bnot a function\b/i),
  p('feature', 2, /\bfeature request\b|\bwould (?:be|love) (?:nice|great|useful|helpful|awesome|good)\b|\bit would be (?:nice|great|useful|helpful)\b/i),
  p('feature', 2, /\b(?:add|adding|introduce|provide) (?:support|an? option|a way|the ability|a flag|a setting|a new)\b/i),
  p('feature', 1.5, /\bsupport for\b|\bability to\b|\boption to\b|\ballow (?:users?|me|us|to|for|setting|passing|configuring)\b/i),
  p('feature', 1.5, /\bplease add\b|\bcould (?:we|you) add\b|\bconsider adding\b|\bi(?:'d| would) like (?:to be able|a way|an option|support)\b|\bproposal\b|\bi propose\b|\bsuggest(?:ion)?\b/i),
  p('feature', 1, /\bmotivation\b|\buse case\b|\bdescribe the solution you'?d like\b|\balternatives considered\b|\benhancement\b/i),
  p('docs', 3, /\btypos?\b|\bmisspel(?:t|led|ling)\b|\bspelling\b|\bgrammar\b/i),
  p('docs', 2, /\bdocumentation\b|\bthe docs\b|\bdocs page\b|\breadme\b|\bdocstring\b|\bjsdoc\b|\bchangelog\b/i),
  p('docs', 2, /\b(?:broken|dead|404) links?\b|\blink (?:is broken|points to|returns 404)\b/i),
  p('docs', 1, /\bdocs?\b|\bexample in\b|\bguide\b|\btutorial\b|\bwording\b|\bclarify\b/i),
  p('question', 3, /\bhow (?:do|can|should|would) (?:i|we|you|one)\b|\bis (?:it|there) (?:possible|a way)\b|\bany way to\b/i),
  p('question', 2, /\bwhat(?:'s| is) the (?:best|right|recommended|correct|proper) way\b|\bcan (?:someone|anyone) (?:explain|help)\b|\bi(?:'m| am) (?:confused|not sure|wondering)\b|\bwondering (?:if|whether|how)\b/i),
  p('question', 1, /\bquestion\b|\bhow to\b|\bam i (?:missing|doing)\b|\bthanks in advance\b/i),
  p('chore', 3, /\bbump\b|\bdependabot\b|\brenovate\b|\bupgrade (?:to|the|all)? ?(?:dependenc|deps|packages?|typescript|node|eslint)/i),
  p('chore', 2, /\bupdate (?:dependenc|deps|packages|lockfile)|\bdeprecat(?:ed|ion) warning|\bdrop support for\b|\bremove unused\b|\bdead code\b/i),
  p('chore', 2, /\brefactor(?:ing)?\b|\bclean ?up\b|\btech(?:nical)? debt\b|\blint(?:ing|er)?\b|\beslint\b|\bprettier\b/i),
  p('chore', 1.5, /\b(?:ci|github actions|pipeline|build) (?:is |are )?(?:slow|red|failing|flaky|config)|\bflaky tests?\b|\bci\b/i),
  p('security', 5, /\bCVE-\d{4}-\d{3,}\b|\bGHSA-[\w-]{4,}\b|\bvulnerabilit(?:y|ies)\b|\bsecurity (?:issue|flaw|hole|bug|advisory|report|vulnerability|problem)\b/i),
  p('security', 5, /\b(?:xss|cross[- ]site scripting|csrf|ssrf|rce|remote code execution|sql injection|command injection|code injection|path traversal|directory traversal|prototype pollution|privilege escalation|auth(?:entication)? bypass|redos)\b/i),
  p('security', 3, /\b(?:leaks?|leaked|leaking|exposes?|exposed|exposing|logs?|logged|logging|prints?|printed) (?:the |a |an |my |our |your )?(?:secrets?|credentials?|tokens?|passwords?|api[ _-]?keys?|private keys?)\b/i),
  p('security', 2, /\b(?:attacker|malicious|exploit(?:able|ed)?|arbitrary (?:code|file|command)s?|responsible disclosure|denial of service|unauthori[sz]ed access)\b/i),
];

/** Starts of a stack trace or crash report in the languages most issues come from. */
export const STACK_TRACE = [
  /^\s+at [\w$.<>[\] ]+ \(.+:\d+:\d+\)\s*$/m,
  /^\s+at (?:file:\/\/)?\/?[\w./@-]+:\d+:\d+\s*$/m,
  /^Traceback \(most recent call last\):/m,
  /^\s+at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/m,
  /^goroutine \d+ \[[\w ]+\]:|^panic: /m,
  /thread '.+' panicked at /,
  /^(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception): .+$/m,
];
