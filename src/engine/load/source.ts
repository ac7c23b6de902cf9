/**
 * Maps paths in a parsed workflow back to lines and columns of the file, so every
 * issue can point at the node that caused it. A workflow defined as an object has
 * no text: its `WorkflowSource` is a `DefinitionSource` (definition-source.ts).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import type { Path } from './path.js';

/** 1-based; `NO_POSITION` (0, 0) where there is no text to point into. */
export interface Position {
  line: number;
  column: number;
}

export const NO_POSITION: Position = Object.freeze({ line: 0, column: 0 });

/** Where the loader places issues and tasks. */
export interface WorkflowSource {
  /** The name used in messages. */
  readonly file: string;
  /** True when positions point into text the author wrote (YAML), so messages may speak of it. */
  readonly hasText: boolean;
  positionOf(offset: number): Position;
  position(path: Path, options?: { key?: boolean }): Position;
  positionInString(path: Path, offset: number): Position;
}

interface Found {
  node: Node | undefined;
  /** The pair whose value is `node`, when the last step was a mapping key. */
  pair: Pair | undefined;
  /** True when every segment of the path was found. */
  complete: boolean;
}

export class SourceDocument implements WorkflowSource {
  readonly hasText = true;

  /** Per mapping, its keys: built on first use so that locating is cheap in huge files. */
  private readonly keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
    private readonly doc: Document,
  ) {}

  /** The position of an offset into the text, 1-based. */
  positionOf(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * The position of the node at `path`; with `key`, of its key instead (for unknown or
   * duplicate keys). Falls back to the nearest enclosing node that exists.
   */
  position(path: Path, options: { key?: boolean } = {}): Position {
    const found = this.find(path);
    const keyNode = found.complete && options.key ? found.pair?.key : undefined;
    const target = (keyNode as Node | undefined) ?? found.node ?? (found.pair?.key as Node | undefined);
    return this.positionOf(target?.range?.[0] ?? 0);
  }

  /**
   * The position of character `offset` of the string at `path` (e.g. where an
   * expression starts). Quoting and escapes make the text differ from the value, so
   * the offset is counted from the nearest `${{` before it, which reads the same in both.
   */
  positionInString(path: Path, offset: number): Position {
    const { node, complete } = this.find(path);
    if (!complete || !isScalar(node) || typeof node.value !== 'string' || !node.range) {
      return this.position(path);
    }
    const [start, end] = node.range;
    return this.positionOf(start + rawOffset(node, this.text.slice(start, end), offset));
  }

  /** The node at `path`, if every segment of it exists. */
  nodeAt(path: Path): Node | undefined {
    const found = this.find(path);
    return found.complete ? found.node : undefined;
  }

  private find(path: Path): Found {
    let node: unknown = this.doc.contents;
    let pair: Pair | undefined;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      let next: Pair | Node | undefined;
      if (isMap(node)) next = this.keysOf(node).get(String(segment));
      else if (isSeq(node) && typeof segment === 'number') next = node.items[segment] as Node | undefined;
      if (next === undefined) return { node: node as Node | undefined, pair, complete: false };
      pair = isPair(next) ? next : undefined;
      node = isPair(next) ? next.value : next;
    }
    return { node: node as Node | undefined, pair, complete: true };
  }

  private keysOf(map: YAMLMap): Map<string, Pair> {
    let keys = this.keyIndex.get(map);
    if (!keys) {
      keys = new Map();
      for (const item of map.items) {
        const name = isScalar(item.key) ? String(item.key.value) : String(item.key);
        if (!keys.has(name)) keys.set(name, item);
      }
      this.keyIndex.set(map, keys);
    }
    return keys;
  }
}

function rawOffset(node: Scalar, raw: string, offset: number): number {
  const value = node.value as string;
  const anchor = value.lastIndexOf('${{', offset);
  if (anchor >= 0) {
    const occurrence = countOccurrences(value, anchor);
    const rawAnchor = nthIndexOf(raw, '${{', occurrence);
    if (rawAnchor >= 0) return rawAnchor + (offset - anchor);
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  if (node.type === Scalar.PLAIN || quoted) return offset + (quoted ? 1 : 0);
  return 0;
}

/** How many `${{` start before `index` in `text`. */
function countOccurrences(text: string, index: number): number {
  let count = 0;
  for (let at = text.indexOf('${{'); at >= 0 && at < index; at = text.indexOf('${{', at + 3)) count++;
  return count;
}

function nthIndexOf(text: string, needle: string, n: number): number {
  let at = text.indexOf(needle);
  for (let i = 0; i < n && at >= 0; i++) at = text.indexOf(needle, at + needle.length);
  return at;
}
