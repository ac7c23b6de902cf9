/**
 * A first, text-only estimate of how deeply a YAML document nests, made before any
 * YAML parser sees the text: the yaml package recurses on some deeply nested input
 * and would overflow the stack. One pass over the characters, no recursion.
 *
 * Flow collections are counted by their brackets; block collections by a stack of
 * the columns where sequences (`- `) and mappings (`key:`) start. Quoted text,
 * comments and block scalars are skipped. The estimate can only err high on odd
 * input, never by more than the structure it cannot see.
 */

interface Block {
  column: number;
  kind: 'seq' | 'map';
}

const BLOCK_SCALAR_HEADER = /^[|>][0-9+-]*\s*(#.*)?$/;

class NestingScanner {
  private readonly blocks: Block[] = [];
  private flow = 0;
  private quote: '"' | "'" | undefined;
  /** Indentation of the line that opened a block scalar, while inside one. */
  private blockScalar: number | undefined;

  constructor(private readonly limit: number) {}

  /** Scans one line; returns the column where nesting first exceeds the limit, if it does. */
  line(text: string): number | undefined {
    const indent = text.length - text.trimStart().length;
    const content = text.trim();
    if (this.blockScalar !== undefined) {
      if (content === '' || indent > this.blockScalar) return undefined;
      this.blockScalar = undefined;
    }
    let from = 0;
    if (this.quote === undefined && this.flow === 0) {
      if (content === '' || content.startsWith('#')) return undefined;
      if (indent === 0 && (content.startsWith('---') || content.startsWith('...'))) {
        this.blocks.length = 0;
        return undefined;
      }
      from = this.blockIndicators(text, indent);
      if (this.depth > this.limit) return indent;
    }
    return this.characters(text, from, indent);
  }

  private get depth(): number {
    return this.blocks.length + this.flow;
  }

  /** Opens blocks for `- ` and `? ` at the start of a line; returns where the rest begins. */
  private blockIndicators(text: string, indent: number): number {
    while (this.blocks.length > 0 && this.blocks[this.blocks.length - 1]!.column > indent) this.blocks.pop();
    let column = indent;
    while ((text[column] === '-' || text[column] === '?') && (column + 1 === text.length || text[column + 1] === ' ')) {
      this.open(column, text[column] === '-' ? 'seq' : 'map');
      column++;
      while (text[column] === ' ') column++;
    }
    if (this.isKeyLine(text, column)) this.open(column, 'map');
    return column;
  }

  /**
   * A sequence may sit at the same column as the mapping that holds it (`a:` then
   * `- x`); a key at that column again closes the sequence.
   */
  private open(column: number, kind: Block['kind']): void {
    let top = this.blocks[this.blocks.length - 1];
    if (kind === 'map' && top?.column === column && top.kind === 'seq') {
      this.blocks.pop();
      top = this.blocks[this.blocks.length - 1];
    }
    if (top?.column === column && top.kind === kind) return;
    this.blocks.push({ column, kind });
  }

  /** A plain `key:` starting at `column` (quoted keys and flow openers are left to `characters`). */
  private isKeyLine(text: string, column: number): boolean {
    const match = /^[^\s#'"[\]{},][^#]*?:(\s|$)/.exec(text.slice(column));
    return match !== null;
  }

  private characters(text: string, from: number, indent: number): number | undefined {
    for (let i = from; i < text.length; i++) {
      const char = text[i]!;
      if (this.quote !== undefined) {
        if (char === '\\' && this.quote === '"') i++;
        else if (char === this.quote && this.quote === "'" && text[i + 1] === "'") i++;
        else if (char === this.quote) this.quote = undefined;
        continue;
      }
      const before = i === 0 ? ' ' : text[i - 1]!;
      if (char === '#' && (before === ' ' || before === '\t')) return undefined;
      if ((char === '"' || char === "'") && ' \t[{,:-?'.includes(before)) {
        this.quote = char;
      } else if (char === '[' || char === '{') {
        this.flow++;
        if (this.depth > this.limit) return i;
      } else if (char === ']' || char === '}') {
        this.flow = Math.max(0, this.flow - 1);
      } else if ((char === '|' || char === '>') && this.flow === 0 && ' \t'.includes(before) && BLOCK_SCALAR_HEADER.test(text.slice(i))) {
        this.blockScalar = indent;
        return undefined;
      }
    }
    return undefined;
  }
}

/** Offset in `text` where nesting first exceeds `limit`, or undefined. */
export function scanNestingDepth(text: string, limit: number): number | undefined {
  const scanner = new NestingScanner(limit);
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end).replace(/\r$/, '');
    const column = scanner.line(line);
    if (column !== undefined) return start + column;
    if (newline < 0) break;
    start = newline + 1;
  }
  return undefined;
}
