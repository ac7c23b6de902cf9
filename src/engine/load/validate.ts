/**
 * Checks a parsed workflow against schemas/workflow.schema.json and turns ajv's
 * errors into plain messages placed at their nodes. Values that fail are then pruned,
 * so that later checks see only well-typed data and every problem is still reported.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { WorkflowDefinition } from './definition.js';
import type { IssueList } from './issues.js';
import { describePath } from './path.js';
import type { Path, PathSegment } from './path.js';
import { shortText } from './printable.js';
import { didYouMean, listNames } from './suggest.js';

const SCHEMA_URL = new URL('../../../schemas/workflow.schema.json', import.meta.url);

let schema: Record<string, unknown> | undefined;
let validator: ValidateFunction | undefined;

/** The workflow JSON Schema (draft-07), as shipped in `schemas/`. */
export function workflowSchema(): Record<string, unknown> {
  schema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  return schema;
}

function compiledValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(workflowSchema());
  return validator;
}

/** A message for an error, where to put it, and what to remove because it is invalid. */
interface Finding {
  path: Path;
  message: string;
  key?: boolean;
  prune?: Path;
}

/**
 * Reports every schema violation in `value` and removes the offending values. What
 * remains matches `WorkflowDefinition`, except that required keys may be missing.
 */
export function validateDefinition(value: Record<string, unknown>, issues: IssueList): WorkflowDefinition {
  const validate = compiledValidator();
  if (validate(value)) return value as unknown as WorkflowDefinition;
  const findings = (validate.errors ?? []).flatMap((error) => explain(error, value, issues.fromText));
  for (const finding of findings) issues.add(finding.path, finding.message, { key: finding.key });
  prune(value, findings.flatMap((finding) => (finding.prune ? [finding.prune] : [])));
  return value as unknown as WorkflowDefinition;
}

function explain(error: ErrorObject, root: unknown, fromText: boolean): Finding[] {
  const path = toPath(error.instancePath, root);
  const where = describePath(path);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const hint = didYouMean(key, allowed) || `; allowed keys: ${listNames(allowed)}`;
      return [{ path: [...path, key], key: true, message: `unknown key \`${shortText(key)}\` in ${where}${hint}`, prune: [...path, key] }];
    }
    case 'required':
      // Alternatives (`uses` or `run`) are reported once, by their `anyOf`.
      if (error.schemaPath.includes('/anyOf/')) return [];
      return [{ path, message: `${where} is missing the required key \`${String(params.missingProperty)}\`` }];
    case 'anyOf': {
      const keys = ((error.parentSchema?.anyOf as Array<{ required?: string[] }> | undefined) ?? []).flatMap((branch) => branch.required ?? []);
      return [{ path, message: `${where} needs ${keys.map((key) => `\`${key}\``).join(' or ')}` }];
    }
    case 'propertyNames':
      return [{ path: [...path, String(params.propertyName)], key: true, message: badName(path, String(params.propertyName)) }];
    case 'pattern':
      // A name failing `propertyNames` is reported by that keyword.
      if (valueAt(root, path) !== error.data) return [];
      return [{ path, message: `${where} must be ${patternMeaning(String(params.pattern))}, got ${describeValue(error.data)}`, prune: path }];
    case 'uniqueItems': {
      // The later of the two equal items is the repeat. Which of `i` and `j` that is depends on
      // whether ajv knows the items' type (a linear check) or not (a pairwise one).
      const item = Math.max(Number(params.i), Number(params.j));
      return [{ path: [...path, item], message: `${where} lists ${describeValue((error.data as unknown[])[item])} more than once` }];
    }
    default:
      return [{ path, message: `${where} ${requirement(error)}, got ${describeValue(error.data)}${fromText ? typedByYaml(error) : ''}`, prune: path }];
  }
}

/** Text that YAML read as a number or boolean (`1.10`, `0777`, `true`) needs quotes to stay as written. */
function typedByYaml(error: ErrorObject): string {
  const expected = ([] as unknown[]).concat((error.params as { type?: unknown }).type);
  const typed = typeof error.data === 'number' || typeof error.data === 'boolean';
  if (error.keyword !== 'type' || !typed || expected.length !== 1 || expected[0] !== 'string') return '';
  return ' (YAML read the unquoted value as a number or boolean; put it in quotes to keep it as written)';
}

/** "must be …" for the remaining keywords. */
function requirement(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      return `must be ${types.map(typeName).join(' or ')}`;
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const typo = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return `must be one of ${listNames(allowed)}${typo ? ` (${typo.replace(/^; /, '')})` : ''}`;
    }
    case 'minimum':
      return `must be at least ${String(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(params.limit)}`;
    case 'minProperties':
      return error.instancePath === '/tasks' ? 'must hold at least one task' : 'must not be empty';
    case 'minItems':
    case 'minLength':
      return 'must not be empty';
    default:
      return error.message ?? 'is invalid';
  }
}

const PATTERN_MEANINGS: Record<string, string> = {
  '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)?$': 'a duration such as `150ms`, `2s`, `1.5m`, `1h` or a number of milliseconds',
  '^[A-Za-z_][A-Za-z0-9_-]*$': 'a task id (letters, digits, `_` and `-`, starting with a letter or `_`)',
};

function patternMeaning(pattern: string): string {
  return PATTERN_MEANINGS[pattern] ?? `text matching \`${pattern}\``;
}

function badName(container: Path, written: string): string {
  const [head] = container;
  const name = shortText(written);
  if (container.length === 1 && head === 'tasks') {
    return `invalid task id \`${name}\`: use letters, digits, \`_\` and \`-\`, starting with a letter or \`_\``;
  }
  if (container[container.length - 1] === 'env') {
    return `invalid environment variable name \`${name}\`: use letters, digits and \`_\`, starting with a letter or \`_\``;
  }
  return `invalid name \`${name}\` in ${describePath(container)}: use letters, digits, \`_\` and \`-\`, starting with a letter or \`_\``;
}

/** How a JSON Schema type (or an input's type) reads in a message. */
export function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: '`true` or `false`',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

/** How a found value reads in a message. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `\`${shortText(value)}\``;
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? '`.nan` (not a number)' : 'an infinite number (`.inf`, or one too large to hold, such as `1e309`)';
  }
  return `\`${String(value)}\``;
}

/** A JSON pointer as path segments; indexes into lists become numbers. */
function toPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) ? Number(key) : key;
    path.push(segment);
    node = (node as Record<PathSegment, unknown> | undefined)?.[segment];
  }
  return path;
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path) node = (node as Record<PathSegment, unknown> | undefined)?.[segment];
  return node;
}

const PRUNED = Symbol('pruned');

/** Removes invalid values. List items are marked first and filtered after, so indexes stay valid. */
function prune(root: Record<string, unknown>, paths: Path[]): void {
  const lists = new Set<unknown[]>();
  for (const path of paths) {
    const parent = valueAt(root, path.slice(0, -1));
    const last = path[path.length - 1];
    if (last === undefined || parent === null || typeof parent !== 'object') continue;
    if (Array.isArray(parent)) {
      parent[last as number] = PRUNED;
      lists.add(parent);
    } else if (path.length === 2 && (path[0] === 'tasks' || path[0] === 'inputs')) {
      // Kept, empty, so that references to it do not add false "unknown task" issues.
      (parent as Record<string, unknown>)[last] = {};
    } else {
      delete (parent as Record<string, unknown>)[last];
    }
  }
  for (const list of lists) {
    const kept = list.filter((item) => item !== PRUNED);
    list.splice(0, list.length, ...kept);
  }
}
