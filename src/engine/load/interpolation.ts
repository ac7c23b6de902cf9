/**
 * Splits text into literal parts and `${{ … }}` expressions.
 */

export interface TextPart {
  kind: 'text';
  text: string;
}

export interface ExpressionPart {
  kind: 'expression';
  /** The expression between `${{` and `}}`, trimmed. */
  source: string;
  /** Offset of `source` in the whole text. */
  offset: number;
  /** The whole `${{ … }}` as written. */
  raw: string;
}

export type TemplatePart = TextPart | ExpressionPart;

export class UnterminatedExpressionError extends Error {
  constructor(readonly offset: number) {
    super('`${{` is never closed: add `}}` after the expression');
  }
}

export const OPEN = '${{';
const CLOSE = '}}';

/** True when the text holds at least one `${{`. */
export function hasExpression(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * The parts of `text`. A `}}` inside a quoted string of the expression does not close
 * it (`${{ format('{{0}}', x) }}`). Throws `UnterminatedExpressionError`.
 */
export function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (let open = text.indexOf(OPEN); open >= 0; open = text.indexOf(OPEN, from)) {
    if (open > from) parts.push({ kind: 'text', text: text.slice(from, open) });
    const close = findClose(text, open + OPEN.length);
    if (close < 0) throw new UnterminatedExpressionError(open);
    const inner = text.slice(open + OPEN.length, close);
    const leading = inner.length - inner.trimStart().length;
    parts.push({ kind: 'expression', source: inner.trim(), offset: open + OPEN.length + leading, raw: text.slice(open, close + CLOSE.length) });
    from = close + CLOSE.length;
  }
  if (from < text.length) parts.push({ kind: 'text', text: text.slice(from) });
  return parts;
}

function findClose(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}
