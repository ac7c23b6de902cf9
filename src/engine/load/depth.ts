/**
 * Nesting depth of a YAML concrete syntax tree, measured without recursion.
 *
 * The yaml package builds documents recursively, so input nested thousands deep
 * (`[[[[…`) overflows the stack. Its CST parser keeps an explicit stack, so depth is
 * measured on the CST before any document is built.
 */
import type { CST } from 'yaml';

export interface TooDeep {
  /** Offset into the text of the first collection beyond the limit. */
  offset: number;
}

/** The first place collections nest deeper than `limit`, if any. */
export function findExcessiveNesting(tokens: readonly CST.Token[], limit: number): TooDeep | undefined {
  // Two parallel stacks rather than one of objects: this runs over every token of the file.
  const pending: CST.Token[] = [...tokens];
  const depths: number[] = tokens.map(() => 0);
  while (pending.length > 0) {
    const token = pending.pop()!;
    const depth = depths.pop()!;
    const inner = isCollection(token) ? depth + 1 : depth;
    if (inner > limit) return { offset: token.offset };
    if (token.type === 'document') {
      if (token.value) pending.push(token.value), depths.push(inner);
      continue;
    }
    if (!isCollection(token)) continue;
    for (const item of (token as CST.BlockMap | CST.BlockSequence | CST.FlowCollection).items) {
      if (item.key) pending.push(item.key), depths.push(inner);
      if (item.value) pending.push(item.value), depths.push(inner);
    }
  }
  return undefined;
}

function isCollection(token: CST.Token): boolean {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}
