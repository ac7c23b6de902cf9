/**
 * GitHub Actions expressions: parsed once at load, with what they read, evaluated at
 * run time. Parsing and evaluation are @actions/expressions, GitHub's own.
 */
import { Evaluator, Lexer, Parser } from '@actions/expressions';
import type { data, Expr } from '@actions/expressions';
import { ContextAccess, FunctionCall, Binary, Grouping, IndexAccess, Literal, Logical, Unary } from '@actions/expressions/ast';
import { MAX_EXPRESSION_LENGTH } from '@actions/expressions/errors';
import type { Pos } from '@actions/expressions/lexer';
import { ErrorCodes, TaskError } from '../errors.js';
import { fromData } from './expression-data.js';
import { didYouMean, listNames } from './suggest.js';

export const CONTEXT_NAMES = ['inputs', 'env', 'tasks', 'item', 'index', 'run', 'workflow', 'secrets'] as const;

/** A name read through a context (`tasks.build`, `inputs.repo`), with where it is in the expression. */
export interface NamedRef {
  name: string;
  offset: number;
}

/** What an expression reads, for load-time checks. */
export interface ExpressionRefs {
  tasks: NamedRef[];
  inputs: NamedRef[];
  secrets: NamedRef[];
  /** Offsets of `item` and `index`. */
  item: NamedRef[];
  /** Offsets of `tasks` not followed by a task id (`toJSON(tasks)`, `tasks[x]`). */
  wholeTasks: number[];
}

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the expression source. */
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface ParsedExpression {
  source: string;
  refs: ExpressionRefs;
  /** Evaluates against contexts built by `contextData`; throws a `TaskError` with code `EXPRESSION_ERROR`. */
  evaluate(contexts: data.Dictionary): unknown;
}

/**
 * Parsed expressions by source. Generated workflows repeat the same expressions in
 * thousands of tasks; a parsed expression never changes, so each is parsed once.
 */
const parsed = new Map<string, ParsedExpression>();
const MAX_CACHED = 10_000;

/** Parses an expression (without `${{ }}`). Throws `ExpressionSyntaxError`. */
export function parseExpression(source: string): ParsedExpression {
  let expression = parsed.get(source);
  if (!expression) {
    if (parsed.size >= MAX_CACHED) parsed.clear();
    expression = parseUncached(source);
    parsed.set(source, expression);
  }
  return expression;
}

function parseUncached(source: string): ParsedExpression {
  const tree = parseTree(source);
  const refs = collectRefs(tree, lineStarts(source));
  return {
    source,
    refs,
    evaluate(contexts) {
      try {
        return fromData(new Evaluator(tree, contexts).evaluate());
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TaskError(ErrorCodes.EXPRESSION_ERROR, `could not evaluate \`\${{ ${source} }}\`: ${reason}`, {
          retryable: false,
          cause: error,
        });
      }
    },
  };
}

function parseTree(source: string): Expr {
  if (source === '') throw new ExpressionSyntaxError('empty expression: write one between `${{` and `}}`', 0);
  const starts = lineStarts(source);
  try {
    return new Parser(new Lexer(source).lex().tokens, [...CONTEXT_NAMES], []).parse();
  } catch (error) {
    const pos = (error as { pos?: Pos }).pos;
    const message = error instanceof Error ? error.message : String(error);
    const offset = pos ? offsetOf(pos, starts) : lexerOffset(message);
    throw new ExpressionSyntaxError(explain(message, source.slice(offset)), offset);
  }
}

/** The lexer reports positions only inside its message. */
function lexerOffset(message: string): number {
  const match = /Located at position (\d+)/.exec(message);
  return match ? Number(match[1]) - 1 : 0;
}

function explain(message: string, rest: string): string {
  const plain = message.replace(/\. Located at position .*$/s, '');
  if (plain === 'ErrorExceededMaxLength') {
    return `expression is too long (the limit is ${MAX_EXPRESSION_LENGTH.toLocaleString('en')} characters); compute long values in a task and read its output`;
  }
  const unknown = /^Unrecognized named-value: '(.*)'$/.exec(plain);
  if (unknown) {
    const name = unknown[1]!;
    return `unknown context \`${name}\`${didYouMean(name, CONTEXT_NAMES)} (available: ${listNames([...CONTEXT_NAMES])})`;
  }
  const unknownFunction = /^Unrecognized function: '(.*)'$/.exec(plain);
  if (unknownFunction) {
    return `unknown function \`${unknownFunction[1]}\`; available: contains, startsWith, endsWith, format, join, toJSON, fromJSON, case`;
  }
  return `invalid expression: ${plain}${rest ? ` (at \`${rest.slice(0, 20)}\`)` : ''}`;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetOf(pos: Pos, starts: readonly number[]): number {
  return (starts[pos.line] ?? 0) + pos.column;
}

/** Walks the tree (without recursion) for the names it reads. */
function collectRefs(tree: Expr, starts: readonly number[]): ExpressionRefs {
  const refs: ExpressionRefs = { tasks: [], inputs: [], secrets: [], item: [], wholeTasks: [] };
  const stack: Expr[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node instanceof IndexAccess) {
      const named = namedAccess(node, starts);
      if (named?.context === 'tasks') refs.tasks.push(named.ref);
      if (named?.context === 'inputs') refs.inputs.push(named.ref);
      if (named?.context === 'secrets') refs.secrets.push(named.ref);
      if (named?.context !== 'tasks') stack.push(node.expr);
      stack.push(node.index);
    } else if (node instanceof ContextAccess) {
      const name = node.name.lexeme.toLowerCase();
      const offset = offsetOf(node.name.range.start, starts);
      if (name === 'tasks') refs.wholeTasks.push(offset);
      if (name === 'item' || name === 'index') refs.item.push({ name, offset });
    } else {
      stack.push(...childrenOf(node));
    }
  }
  return refs;
}

/** `tasks.build` / `inputs['repo']`: a context indexed by a literal name. */
function namedAccess(node: IndexAccess, starts: readonly number[]): { context: string; ref: NamedRef } | undefined {
  if (!(node.expr instanceof ContextAccess) || !(node.index instanceof Literal)) return undefined;
  const literal = node.index.literal;
  if (typeof (literal as { value?: unknown }).value !== 'string') return undefined;
  const context = node.expr.name.lexeme.toLowerCase();
  return { context, ref: { name: literal.coerceString(), offset: offsetOf(node.index.token.range.start, starts) } };
}

function childrenOf(node: Expr): Expr[] {
  if (node instanceof FunctionCall || node instanceof Logical) return node.args;
  if (node instanceof Binary) return [node.left, node.right];
  if (node instanceof Unary) return [node.expr];
  if (node instanceof Grouping) return [node.group];
  return [];
}
