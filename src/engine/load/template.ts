/**
 * Values from the workflow that may hold `${{ }}` expressions, compiled once at load
 * into a `Template` evaluated at run time.
 *
 * A string that is exactly one expression keeps the value's type; any other string
 * with expressions is interpolated. Mappings and lists are templated throughout, and
 * a value without expressions is returned as it is, without work.
 */
import type { data } from '@actions/expressions';
import { ErrorCodes, WeftError } from '../errors.js';
import type { ExpressionContext, Template } from '../types.js';
import { contextData } from './expression-data.js';
import { ExpressionSyntaxError, parseExpression } from './expressions.js';
import type { ParsedExpression } from './expressions.js';
import { hasExpression, splitTemplate, UnterminatedExpressionError } from './interpolation.js';
import type { TemplatePart } from './interpolation.js';
import { formatPath } from './path.js';
import type { Path } from './path.js';
import { EXPR_ENV_PREFIX, ShellQuoting } from './shell-script.js';

/** An expression found while compiling, for the caller's checks. */
export interface ExpressionSite {
  /** Where the string holding it sits. */
  path: Path;
  /** Offset of the expression in that string. */
  offset: number;
  expression: ParsedExpression;
}

export interface TemplateOptions {
  /** Where the value sits in the workflow, for messages. */
  path?: Path;
  /** Called for each expression, e.g. to check what it reads. */
  onExpression?(site: ExpressionSite): void;
  /** Called for each syntax error; without it, compiling throws. */
  onError?(path: Path, offset: number, message: string): void;
  /** Canonical task id for a name read as `tasks.<name>` (ids match case-insensitively). */
  resolveTask?(name: string): string | undefined;
  /** Every leaf evaluates to a string (environment variables). */
  stringify?: boolean;
  /**
   * Top-level keys whose strings (or lists of strings) are shell scripts: their
   * expressions become `WEFT_EXPR_n` variables, added to `exprEnv`.
   */
  shellInputs?: readonly string[];
  exprEnv?: Record<string, Template>;
  /** Where top-level keys sit when not under `path` (`run:` shorthand, which becomes `with.run`). */
  keyPaths?: Record<string, Path>;
}

type Node =
  | { kind: 'static'; value: unknown }
  | { kind: 'expression'; expression: ParsedExpression; stringify: boolean }
  | { kind: 'interpolation'; parts: Array<string | ParsedExpression> }
  | { kind: 'array'; items: Node[] }
  | { kind: 'object'; entries: Array<[string, Node]> };

/** How an interpolated value reads: null as nothing, objects and lists as JSON. */
export function interpolationText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Compiles a value. Throws a `WeftError` with code `EXPRESSION_ERROR` on a syntax error unless `onError` is given. */
export function compileTemplate<T = unknown>(value: unknown, options: TemplateOptions = {}): Template<T> {
  // Most values hold no expression; in a 100,000-task workflow they must cost next to nothing.
  if (!containsExpression(value)) return new StaticTemplate(options.stringify ? stringifyLeaves(value) : value) as Template<T>;
  return new TemplateCompiler(options).compile<T>(value);
}

function containsExpression(value: unknown): boolean {
  if (typeof value === 'string') return hasExpression(value);
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(containsExpression);
}

function stringifyLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyLeaves);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, stringifyLeaves(item)]));
  }
  return interpolationText(value);
}

const NO_REFS: readonly string[] = Object.freeze([]);

class StaticTemplate<T> implements Template<T> {
  readonly isStatic = true;
  readonly taskRefs = NO_REFS;

  constructor(private readonly value: T) {}

  evaluate(): T {
    return this.value;
  }
}

class TemplateCompiler {
  private readonly taskRefs = new Set<string>();

  constructor(private readonly options: TemplateOptions) {}

  compile<T>(value: unknown): Template<T> {
    const root = this.node(value, this.options.path ?? [], true);
    return new CompiledTemplate<T>(root, [...this.taskRefs]);
  }

  /** `script`: every string below is shell code (a script input, or a list of scripts). */
  private node(value: unknown, path: Path, topLevel: boolean, script = false): Node {
    if (typeof value === 'string') return script ? this.scriptNode(value, path) : this.stringNode(value, path);
    if (Array.isArray(value)) {
      const items = value.map((item, i) => this.node(item, [...path, i], false, script));
      return settle({ kind: 'array', items }, items, value, value);
    }
    if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value).map(([key, item]): [string, Node] => {
        const itemPath = (topLevel ? this.options.keyPaths?.[key] : undefined) ?? [...path, key];
        const isScript = script || (topLevel && (this.options.shellInputs?.includes(key) ?? false));
        return [key, this.node(item, itemPath, false, isScript)];
      });
      return settle({ kind: 'object', entries }, entries.map(([, node]) => node), Object.values(value), value);
    }
    return { kind: 'static', value: this.options.stringify ? interpolationText(value) : value };
  }

  private stringNode(text: string, path: Path): Node {
    if (!hasExpression(text)) return { kind: 'static', value: text };
    const parts = this.split(text, path);
    if (!parts) return { kind: 'static', value: text };
    const [only] = parts;
    if (parts.length === 1 && typeof only !== 'string' && only) {
      return { kind: 'expression', expression: only, stringify: this.options.stringify ?? false };
    }
    return { kind: 'interpolation', parts };
  }

  /** A script with each expression replaced by a quoted variable reference. */
  private scriptNode(text: string, path: Path): Node {
    if (!hasExpression(text)) return { kind: 'static', value: text };
    const parts = this.split(text, path);
    if (!parts) return { kind: 'static', value: text };
    const exprEnv = this.options.exprEnv ?? {};
    const quoting = new ShellQuoting();
    let script = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        quoting.read(part);
        script += part;
        continue;
      }
      const name = `${EXPR_ENV_PREFIX}${Object.keys(exprEnv).length}`;
      exprEnv[name] = new CompiledTemplate({ kind: 'expression', expression: part, stringify: true }, this.refsOf(part));
      script += quoting.reference(name);
    }
    return { kind: 'static', value: script };
  }

  /** Literal text and parsed expressions, or undefined after reporting every error in the text. */
  private split(text: string, path: Path): Array<string | ParsedExpression> | undefined {
    let parts: TemplatePart[];
    try {
      parts = splitTemplate(text);
    } catch (error) {
      if (!(error instanceof UnterminatedExpressionError)) throw error;
      this.report(path, text, error.offset, error.message);
      return undefined;
    }
    let failed = false;
    const result = parts.map((part) => {
      if (part.kind === 'text') return part.text;
      try {
        const expression = parseExpression(part.source);
        this.options.onExpression?.({ path, offset: part.offset, expression });
        for (const id of this.refsOf(expression)) this.taskRefs.add(id);
        return expression;
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        this.report(path, text, part.offset + error.offset, error.message);
        failed = true;
        return part.raw;
      }
    });
    return failed ? undefined : result;
  }

  private refsOf(expression: ParsedExpression): string[] {
    const resolve = this.options.resolveTask ?? ((name: string) => name);
    const ids: string[] = [];
    for (const ref of expression.refs.tasks) {
      const id = resolve(ref.name);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  private report(path: Path, text: string, offset: number, message: string): void {
    if (!this.options.onError) {
      throw new WeftError(ErrorCodes.EXPRESSION_ERROR, `${message} (in \`${text}\` at ${formatPath(path) || 'the value'})`);
    }
    this.options.onError(path, offset, message);
  }
}

class CompiledTemplate<T> implements Template<T> {
  readonly isStatic: boolean;

  constructor(
    private readonly root: Node,
    readonly taskRefs: readonly string[],
  ) {
    this.isStatic = root.kind === 'static';
  }

  evaluate(context: ExpressionContext): T {
    if (this.root.kind === 'static') return this.root.value as T;
    let contexts: data.Dictionary | undefined;
    const lazyContexts = (): data.Dictionary => (contexts ??= contextData(context, this.taskRefs));
    return evaluateNode(this.root, lazyContexts) as T;
  }
}

/**
 * A collection whose members are all static is itself static. The original value is
 * reused unless compiling changed a member (a rewritten script, a stringified leaf).
 */
function settle(node: Node, members: Node[], before: unknown[], original: unknown): Node {
  if (!members.every((member) => member.kind === 'static')) return node;
  const unchanged = members.every((member, i) => member.kind === 'static' && member.value === before[i]);
  return { kind: 'static', value: unchanged ? original : staticValue(node) };
}

/** The value of a node known to hold no expression. */
function staticValue(node: Node): unknown {
  return evaluateNode(node, () => {
    throw new Error('a static value has no expressions to evaluate');
  });
}

function evaluateNode(node: Node, contexts: () => data.Dictionary): unknown {
  switch (node.kind) {
    case 'static':
      return node.value;
    case 'expression': {
      const value = node.expression.evaluate(contexts());
      return node.stringify ? interpolationText(value) : value;
    }
    case 'interpolation':
      return node.parts.map((part) => (typeof part === 'string' ? part : interpolationText(part.evaluate(contexts())))).join('');
    case 'array':
      return node.items.map((item) => evaluateNode(item, contexts));
    case 'object':
      return Object.fromEntries(node.entries.map(([key, item]) => [key, evaluateNode(item, contexts)]));
  }
}

/**
 * One mapping template over another, key by key (workflow `env` under task `env`).
 * Two static templates merge once, here, rather than at every evaluation.
 */
export function mergeTemplates<T extends Record<string, unknown>>(base: Template<T>, over: Template<T>): Template<T> {
  const taskRefs = [...new Set([...base.taskRefs, ...over.taskRefs])];
  if (base.isStatic && over.isStatic) {
    const value = { ...base.evaluate(STATIC_ONLY), ...over.evaluate(STATIC_ONLY) };
    return { isStatic: true, taskRefs, evaluate: () => value };
  }
  return { isStatic: false, taskRefs, evaluate: (context) => ({ ...base.evaluate(context), ...over.evaluate(context) }) };
}

/** Never read: static templates return their value without looking at the context. */
const STATIC_ONLY: ExpressionContext = { inputs: {}, env: {}, tasks: {}, run: { id: '' }, workflow: { name: '' } };
