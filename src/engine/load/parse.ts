/**
 * Workflow text to a plain value, guarded against hostile input: size, value size,
 * nesting depth and alias expansion are capped, circular aliases refused, and every
 * YAML error or warning becomes an issue.
 */
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser } from 'yaml';
import type { CST, Document, Node } from 'yaml';
import { WorkflowValidationError } from '../errors.js';
import { findCircularAlias, firstAlias } from './aliases.js';
import { checkCstLimits } from './cst-limits.js';
import { keepScalarText } from './env-text.js';
import { IssueList } from './issues.js';
import { fileTooLarge, MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_NESTING_DEPTH, MAX_SCALAR_CHARS } from './limits.js';
import { scanNestingDepth } from './nesting-scan.js';
import type { Path } from './path.js';
import { SourceDocument } from './source.js';

export { MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_NESTING_DEPTH, MAX_SCALAR_CHARS } from './limits.js';

export interface ParsedWorkflow {
  /** The top-level mapping, as plain data. */
  value: Record<string, unknown>;
  source: SourceDocument;
  issues: IssueList;
}

/**
 * Parses workflow text. Throws `WorkflowValidationError` when it is not a single YAML
 * mapping; duplicate keys are returned as issues so that later checks still run.
 */
export function parseWorkflowText(text: string, file: string): ParsedWorkflow {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) {
    failAt(file, text, 0, fileTooLarge(bytes));
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = new LineCounter();
  const doc = composeOne(parseShallowCst(body, lines, file), body, lines, file);
  const source = new SourceDocument(file, body, lines, doc);
  const issues = new IssueList(source);
  if (!isMap(doc.contents)) {
    const message =
      doc.contents === null
        ? EMPTY
        : `a workflow must be a mapping with keys such as \`name:\` and \`tasks:\`, but the file holds a ${isScalar(doc.contents) ? 'single value' : 'list'}`;
    issues.add([], message);
    issues.throwIfAny();
  }
  reportDuplicateKeys(doc, issues);
  // A value can contain itself only through an anchor (`&name`): most files have no `&` at all, and skip the walk.
  const circular = body.includes('&') ? findCircularAlias(doc) : undefined;
  if (circular) {
    issues.addAtOffset([], circular.range?.[0] ?? 0, `alias \`*${circular.source}\` points at a value that contains it, so the value would never end; write the value out instead`);
    issues.throwIfAny();
  }
  const value = toPlain(doc, issues);
  keepScalarText(value, source);
  return { value, source, issues };
}

const EMPTY = 'the workflow file is empty; it needs at least `name:` and `tasks:`';

/**
 * The CST, once nesting is known to be within the cap. Three guards, because the yaml
 * package recurses on deep input: a scan of the text before parsing, a catch around
 * the CST parse for what the scan misses, and an exact count on the CST before the
 * (recursive) document is built from it.
 */
function parseShallowCst(body: string, lines: LineCounter, file: string): CST.Token[] {
  const tooDeep = (offset: number): never =>
    failAt(file, body, offset, `values are nested more than ${MAX_NESTING_DEPTH} levels deep; flatten the structure`);
  const scanned = scanNestingDepth(body, MAX_NESTING_DEPTH);
  if (scanned !== undefined) tooDeep(scanned);
  let cst: CST.Token[] = [];
  try {
    cst = [...new Parser(lines.addNewLine).parse(body)];
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    tooDeep(0);
  }
  const { tooDeep: deep, oversized: large } = checkCstLimits(cst, MAX_NESTING_DEPTH, MAX_SCALAR_CHARS);
  if (deep) tooDeep(deep.offset);
  if (large) {
    const [length, limit] = [large.length, MAX_SCALAR_CHARS].map((n) => n.toLocaleString('en'));
    failAt(file, body, large.offset, `a single value here is ${length} characters long; the limit is ${limit}. Keep large data in a file the task reads`);
  }
  return cst;
}

/** The one document in the file; syntax errors, warnings and extra documents are fatal. */
function composeOne(cst: CST.Token[], body: string, lines: LineCounter, file: string): Document.Parsed {
  const docs = [...new Composer({ uniqueKeys: false, merge: true, strict: true }).compose(cst, true, body.length)];
  const [doc, second] = docs;
  if (!doc) failAt(file, body, 0, EMPTY);
  const issues = new IssueList(new SourceDocument(file, body, lines, doc));
  if (second) {
    const message = `the file holds ${docs.length} YAML documents (separated by \`---\`); a workflow file must hold exactly one`;
    issues.addAtOffset([], second.range[0], message);
  }
  const hinted = new Set<number>();
  for (const error of doc.errors) {
    const hint = expressionInFlowHint(body, error.pos[0], hinted);
    issues.addAtOffset([], error.pos[0], `YAML syntax error: ${error.message}${hint}`);
  }
  for (const warning of doc.warnings) issues.addAtOffset([], warning.pos[0], describeWarning(warning.code, warning.message));
  issues.throwIfAny();
  return doc;
}

/**
 * `{ run: echo ${{ x }} }` is the most common YAML mistake in workflows: the braces
 * of `${{` end the flow mapping. Said once per line, where a line has an expression.
 */
function expressionInFlowHint(body: string, offset: number, hinted: Set<number>): string {
  const start = body.lastIndexOf('\n', offset - 1) + 1;
  const end = body.indexOf('\n', offset);
  const line = body.slice(start, end === -1 ? body.length : end);
  if (hinted.has(start) || !line.includes('${{') || !/[{[]/.test(line.replace(/\$\{\{[^}]*\}\}/g, ''))) return '';
  hinted.add(start);
  return '. A value holding `${{ }}` inside `{ }` or `[ ]` must be quoted: { run: "echo ${{ inputs.x }}" }, or written in block style';
}

function describeWarning(code: string, message: string): string {
  if (code === 'TAG_RESOLVE_FAILED') {
    const tag = message.replace(/^Unresolved tag: /, '').replace(/^tag:yaml\.org,2002:/, '!!');
    return `unsupported YAML tag \`${tag}\`: workflows hold plain data only; remove the tag`;
  }
  return `YAML warning treated as an error: ${message}`;
}

/** Reports repeated keys in any mapping; a repeated task id gets its own wording. */
function reportDuplicateKeys(doc: Document.Parsed, issues: IssueList): void {
  // Paths are kept as links to the parent and spelt out only for a duplicate.
  interface Entry {
    node: unknown;
    parent: Entry | undefined;
    key: string | number;
  }
  const spell = (entry: Entry | undefined): Path => {
    const path: Array<string | number> = [];
    for (let at = entry; at?.parent; at = at.parent) path.unshift(at.key);
    return path;
  };
  const stack: Entry[] = [{ node: doc.contents, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node } = entry;
    if (isSeq(node)) node.items.forEach((item, index) => stack.push({ node: item, parent: entry, key: index }));
    if (!isMap(node)) continue;
    const seen = new Set<string>();
    for (const pair of node.items) {
      const name = keyName(pair.key);
      if (isMap(pair.value) || isSeq(pair.value)) stack.push({ node: pair.value, parent: entry, key: name });
      if (name === '<<') continue;
      if (seen.has(name)) {
        const path = spell(entry);
        const what = path.length === 1 && path[0] === 'tasks' ? 'task id' : 'key';
        const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
        issues.addAtOffset([...path, name], offset, `duplicate ${what} \`${name}\`; each ${what} may appear only once here`);
      }
      seen.add(name);
    }
  }
}

function keyName(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** The document as plain data; alias expansion is capped. */
function toPlain(doc: Document.Parsed, issues: IssueList): Record<string, unknown> {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const bomb = /alias count/i.test(reason);
    const message = bomb
      ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} alias uses); write the values out or use fewer aliases`
      : `could not read the YAML: ${reason}`;
    issues.addAtOffset([], (bomb ? firstAlias(doc)?.range?.[0] : undefined) ?? 0, message);
    issues.throwIfAny();
    throw error;
  }
}

/** Throws a single issue at `offset`, for problems found before the document is built. */
function failAt(file: string, text: string, offset: number, message: string): never {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  throw new WorkflowValidationError([{ file, line, column: offset - lineStart + 1, path: '', message }]);
}
