/**
 * Credentials that must never be committed, by the shapes their issuers give them.
 * A finding names the kind of secret, never the secret itself.
 */

export interface SecretPattern {
  kind: string;
  pattern: RegExp;
}

export const SECRET_PATTERNS: SecretPattern[] = [
  { kind: 'a private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/ },
  { kind: 'an AWS access key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{50,}\b/ },
  { kind: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'a Stripe live key', pattern: /\b(?:sk|rk)_live_[0-9a-zA-Z]{20,}\b/ },
  { kind: 'an OpenAI API key', pattern: /\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b/ },
  {
    kind: 'a hard-coded credential',
    pattern: /\b\w*(?:api[_-]?key|secret|passw(?:or)?d|token|access[_-]?key)\w*\s*[:=]\s*['"](?![^'"]*(?:example|changeme|placeholder|xxx|\$\{|<))[^'"\s]{12,}['"]/i,
  },
];

/** What kind of secret `line` holds, or undefined. */
export function secretKind(line: string): string | undefined {
  return SECRET_PATTERNS.find((p) => p.pattern.test(line))?.kind;
}
