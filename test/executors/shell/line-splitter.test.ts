import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_CHARS } from '../../../src/executors/shell/line-splitter.js';

function split(chunks: Buffer[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

/** Cuts `bytes` at the given offsets, which may fall inside a multi-byte character. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const at of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  return chunks;
}

describe('LineSplitter', () => {
  it('gives the same lines however the bytes are cut into chunks', () => {
    const unit = fc.constantFrom('a', 'é', '€', '😀', ' ', '\r');
    const line = fc.string({ unit }).filter((s) => !s.endsWith('\r'));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1 }), fc.array(fc.nat()), (lines, offsets) => {
        const text = lines.join('\n') + '\n';
        expect(split(cut(Buffer.from(text), offsets))).toEqual(lines);
      }),
    );
  });

  it('flushes a last line that has no newline', () => {
    expect(split([Buffer.from('one\ntw'), Buffer.from('o')])).toEqual(['one', 'two']);
  });

  it('treats CRLF as one line ending, even split across chunks', () => {
    expect(split([Buffer.from('a\r'), Buffer.from('\nb\r\n')])).toEqual(['a', 'b']);
  });

  it('keeps empty lines', () => {
    expect(split([Buffer.from('a\n\n\nb\n')])).toEqual(['a', '', '', 'b']);
  });

  it('emits an endless line in pieces rather than holding it all', () => {
    const lines = split([Buffer.from('x'.repeat(MAX_LINE_CHARS)), Buffer.from('yz\n')]);
    expect(lines).toEqual(['x'.repeat(MAX_LINE_CHARS), 'yz']);
  });
});
