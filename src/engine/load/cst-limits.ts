/**
 * Limits checked on the YAML concrete syntax tree, before any document or value is
 * built, in one walk without recursion:
 * - nesting depth: the yaml package builds documents recursively, so input nested
 *   thousands deep (`[[[[…`) would overflow the stack; its CST parser keeps an
 *   explicit stack, so depth can be measured here first;
 * - the size of each scalar: a multi-megabyte string in a workflow is a mistake or
 *   an attack, and every later step (expressions, shell quoting, logs) would pay for it.
 */
import type { CST } from 'yaml';

export interface CstBreach {
  /** Offset into the text of the first collection nested beyond the depth limit. */
  tooDeep?: { offset: number };
  /** A scalar longer than the limit: where it starts and its length as written. */
  oversized?: { offset: number; length: number };
}

/** What breaks the limits, if anything; depth is reported wherever it is, an oversized scalar alongside. */
export function checkCstLimits(tokens: readonly CST.Token[], maxDepth: number, maxScalarChars: number): CstBreach {
  // Two parallel stacks rather than one of objects: this runs over every token of the file.
  const pending: CST.Token[] = [...tokens];
  const depths: number[] = tokens.map(() => 0);
  let oversized: CstBreach['oversized'];
  while (pending.length > 0) {
    const token = pending.pop()!;
    const depth = depths.pop()!;
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        if (!oversized && token.source.length > maxScalarChars) oversized = { offset: token.offset, length: token.source.length };
        break;
      case 'document':
        if (token.value) pending.push(token.value), depths.push(depth);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        const inner = depth + 1;
        if (inner > maxDepth) return { tooDeep: { offset: token.offset }, oversized };
        for (const item of token.items) {
          if (item.key) pending.push(item.key), depths.push(inner);
          if (item.value) pending.push(item.value), depths.push(inner);
        }
        break;
      }
      default:
        break;
    }
  }
  return { oversized };
}
