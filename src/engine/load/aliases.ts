/**
 * Circular aliases: `&a [1, *a]` is valid YAML, but as data it is a value that
 * contains itself, which no JSON-like consumer (schema checks, templates, the run
 * store) can walk. They are found on the document, before any value is built.
 */
import { isAlias, isMap, isPair, isSeq, visit } from 'yaml';
import type { Alias, Document } from 'yaml';

/**
 * The first alias that points at a collection holding it, if any. One iterative walk
 * in source order: an alias refers to the latest anchor of its name before it.
 */
export function findCircularAlias(doc: Document.Parsed): Alias | undefined {
  const anchors = new Map<string, unknown>();
  const open = new Set<unknown>();
  // A collection is pushed twice: to open it and walk its items, then (`exit`) to close it.
  const stack: Array<{ node: unknown; exit: boolean }> = [{ node: doc.contents, exit: false }];
  while (stack.length > 0) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      open.delete(node);
      continue;
    }
    if (isAlias(node)) {
      if (open.has(anchors.get(node.source))) return node;
      continue;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node);
    if (!isMap(node) && !isSeq(node)) continue;
    open.add(node);
    stack.push({ node, exit: true });
    const children = (node.items as unknown[]).flatMap((item) => (isPair(item) ? [item.key, item.value] : [item]));
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], exit: false });
  }
  return undefined;
}

/** The first alias in the document, to point at when aliases expand too much. Nesting is capped by now. */
export function firstAlias(doc: Document.Parsed): Alias | undefined {
  let first: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      first = node;
      return visit.BREAK;
    },
  });
  return first;
}
