/**
 * The default pull request text: what the issue asked, what changed, what was
 * checked, and what the review found, so that a maintainer can judge the PR without
 * opening the run. The idempotency marker ties the PR to the task that opened it.
 */
import type { FileChange } from '../git/diff.js';
import type { PrGeneratorInput } from './types.js';

export interface TemplateContext {
  input: PrGeneratorInput;
  changes: FileChange[];
  idempotencyKey: string;
}

const TITLE_PREFIX: Record<string, string> = { bug: 'fix', feature: 'feat', docs: 'docs', chore: 'chore', security: 'fix' };
const MAX_LISTED_FILES = 50;
const MAX_FINDINGS = 30;
const ICON: Record<string, string> = { error: '🔴', warning: '🟡', info: '🔵' };

export function defaultTitle(input: PrGeneratorInput): string {
  const issue = input.issue;
  if (!issue) return `Changes from ${input.branch}`;
  const prefix = TITLE_PREFIX[input.analysis?.category ?? ''] ?? 'fix';
  const title = issue.title.replace(/\s+/g, ' ').trim().replace(/^\s*(?:\[[^\]]{1,30}\]\s*)+/, '');
  return `${prefix}: ${title}${issue.number === undefined ? '' : ` (#${issue.number})`}`;
}

export function markerFor(idempotencyKey: string): string {
  return `<!-- weft:idempotency-key=${idempotencyKey.replace(/-->/g, '')} -->`;
}

export function defaultBody(context: TemplateContext): string {
  const { input } = context;
  const sections = [summary(input), changes(context.changes), checks(input), review(input)].filter(Boolean);
  return `${sections.join('\n\n')}\n\n---\n_Opened by weft._\n`;
}

/** `body` with the marker appended once. */
export function withMarker(body: string, idempotencyKey: string): string {
  const marker = markerFor(idempotencyKey);
  return body.includes(marker) ? body : `${body.trimEnd()}\n\n${marker}\n`;
}

function summary(input: PrGeneratorInput): string {
  const lines = ['## Summary', '', input.analysis?.summary ?? input.issue?.title ?? `The changes on \`${input.branch}\`.`];
  if (input.issue?.number !== undefined) lines.push('', `Closes #${input.issue.number}.`);
  else if (input.issue?.url) lines.push('', `Issue: ${input.issue.url}`);
  return lines.join('\n');
}

function changes(files: FileChange[]): string {
  if (files.length === 0) return '';
  const ins = files.reduce((n, f) => n + f.insertions, 0);
  const del = files.reduce((n, f) => n + f.deletions, 0);
  const listed = files.slice(0, MAX_LISTED_FILES).map((f) => `- \`${f.path}\` ${f.binary ? '(binary)' : `(+${f.insertions} −${f.deletions})`}`);
  if (files.length > MAX_LISTED_FILES) listed.push(`- … and ${files.length - MAX_LISTED_FILES} more`);
  return ['## Changes', '', `${files.length} file(s), +${ins} −${del}.`, '', ...listed].join('\n');
}

function checks(input: PrGeneratorInput): string {
  const lines: string[] = [];
  const verified = input.resolution?.verified;
  if (verified !== undefined) {
    const how = input.resolution?.strategy ? ` (after the ${input.resolution.strategy} change)` : '';
    lines.push(`- ${verified ? '✅' : '❌'} verify${how}`);
  }
  for (const check of input.review?.checks ?? []) lines.push(`- ${check.passed ? '✅' : '❌'} \`${check.name}\``);
  return lines.length ? ['## Checks', '', ...lines].join('\n') : '';
}

function review(input: PrGeneratorInput): string {
  const r = input.review;
  if (!r) return '';
  const verdict = r.approved === undefined ? '' : r.approved ? 'approved' : 'not approved';
  const head = [r.score === undefined ? '' : `Score ${r.score}/100`, verdict].filter(Boolean).join(', ');
  const findings = (r.findings ?? []).slice(0, MAX_FINDINGS).map((f) => {
    const where = f.file ? ` \`${f.file}${f.line ? `:${f.line}` : ''}\`` : '';
    return `- ${ICON[f.severity] ?? '-'} **${f.severity}** \`${f.rule}\`${where}: ${f.message}`;
  });
  const none = findings.length === 0 ? ['No findings.'] : findings;
  return ['## Review', '', head ? `${head}.` : '', '', ...none].filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n');
}
