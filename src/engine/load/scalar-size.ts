/**
 * The size of each scalar in a YAML concrete syntax tree, checked before any value
 * is built: a multi-megabyte string in a workflow is a mistake or an attack, and
 * every later step (expressions, shell quoting, logs) would pay for it.
 */
import type { CST } from 'yaml';

const SCALARS = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'block-scalar']);

export interface Oversized {
  /** Offset into the text where the scalar starts. */
  offset: number;
  /** Its length in characters, as written. */
  length: number;
}

/** The first scalar longer than `limit` characters, if any. Iterative. */
export function findOversizedScalar(tokens: readonly CST.Token[], limit: number): Oversized | undefined {
  const pending: CST.Token[] = [...tokens];
  while (pending.length > 0) {
    const token = pending.pop()!;
    if (SCALARS.has(token.type)) {
      const { source, offset } = token as CST.FlowScalar | CST.BlockScalar;
      if (source.length > limit) return { offset, length: source.length };
    } else if (token.type === 'document') {
      if (token.value) pending.push(token.value);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if (item.key) pending.push(item.key);
        if (item.value) pending.push(item.value);
      }
    }
  }
  return undefined;
}
