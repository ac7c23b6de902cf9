import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUT_MARK } from '../../../src/engine/secret-mask.js';
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

  it('emits the start of an endless line, marked as cut, and drops the rest of it, rather than holding it all', () => {
    const lines = split([Buffer.from('x'.repeat(MAX_LINE_CHARS)), Buffer.from('yz'), Buffer.from('!\nnext\n')]);
    expect(lines.map((line) => line.length)).toEqual([MAX_LINE_CHARS + CUT_MARK.length, 'next'.length]);
    expect(lines[0] === 'x'.repeat(MAX_LINE_CHARS) + CUT_MARK && lines[1] === 'next').toBe(true);
  });

  it('never emits a piece that starts inside a line, so a secret at the cut is never split in two', () => {
    const secret = 'ghp_0123456789abcdef';
    const lines = split([Buffer.from(`${'x'.repeat(MAX_LINE_CHARS - 3)}${secret.slice(0, 3)}`), Buffer.from(`${secret.slice(3)}\nafter\n`)]);
    expect(lines.map((line) => line.length)).toEqual([MAX_LINE_CHARS + CUT_MARK.length, 'after'.length]);
    expect(lines[0]!.endsWith(`${secret.slice(0, 3)}${CUT_MARK}`)).toBe(true);
    expect(lines[1]).toBe('after');
    expect(lines.some((line) => line.includes(secret.slice(3)))).toBe(false);
  });

  it('does not cut a line between the halves of a surrogate pair', () => {
    const lines = split([Buffer.from(`${'x'.repeat(MAX_LINE_CHARS - 1)}😀tail`), Buffer.from('\n')]);
    expect(lines.map((line) => line.length)).toEqual([MAX_LINE_CHARS - 1 + CUT_MARK.length]);
  });
});

describe('LineSplitter with a byte budget', () => {
  function budgeted(chunks: Buffer[], maxBytes: number): { lines: string[]; dropped: number } {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), maxBytes);
    for (const chunk of chunks) splitter.push(chunk);
    splitter.end();
    return { lines, dropped: splitter.droppedBytes };
  }

  it('finishes the line that crosses the budget, then drops and counts the rest', () => {
    const { lines, dropped } = budgeted([Buffer.from('one\ntw'), Buffer.from('o and'), Buffer.from(' more\nthree\n'), Buffer.from('four\n')], 8);
    expect(lines).toEqual(['one', 'two and more']);
    expect(dropped).toBe('three\nfour\n'.length);
  });

  it('stops at once when the budget ends with a line', () => {
    const { lines, dropped } = budgeted([Buffer.from('one\n'), Buffer.from('two\n')], 4);
    expect(lines).toEqual(['one']);
    expect(dropped).toBe(4);
  });

  it('never ends the log with a piece of a line, wherever the chunks fall', () => {
    const secret = 'ghp_0123456789abcdef';
    const text = `${'filler line\n'.repeat(50)}the token is ${secret}\n${'more\n'.repeat(50)}`;
    fc.assert(
      fc.property(fc.array(fc.nat()), fc.integer({ min: 1, max: text.length }), (offsets, maxBytes) => {
        const { lines, dropped } = budgeted(cut(Buffer.from(text), offsets), maxBytes);
        expect(text.startsWith(lines.map((line) => `${line}\n`).join(''))).toBe(true);
        expect(lines.reduce((sum, line) => sum + line.length + 1, 0) + dropped).toBe(text.length);
      }),
    );
  });
});
