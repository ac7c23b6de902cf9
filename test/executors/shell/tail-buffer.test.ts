import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TailBuffer } from '../../../src/executors/shell/tail-buffer.js';

/** What the tail of `text` should be: its last `limit` characters, from the first line that starts in them. */
function expectedTail(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const from = text.length - limit - 1;
  const ends = [text.indexOf('\n', from), text.indexOf('\r', from)].filter((i) => i !== -1);
  return ends.length === 0 ? '' : text.slice(Math.min(...ends) + 1);
}

describe('TailBuffer', () => {
  it('keeps the last `limit` bytes from the first whole line in them, however they arrive', () => {
    const unit = fc.constantFrom('a', 'b', ' ', '\n', '\r');
    fc.assert(
      fc.property(fc.array(fc.string({ unit })), fc.integer({ min: 1, max: 64 }), (chunks, limit) => {
        const tail = new TailBuffer(limit);
        for (const chunk of chunks) tail.push(Buffer.from(chunk));
        expect(tail.text()).toBe(expectedTail(chunks.join(''), limit));
      }),
    );
  });

  it('drops the back half of a secret cut at the front', () => {
    const tail = new TailBuffer(20);
    tail.push(Buffer.from('token ghp_0123456789'));
    tail.push(Buffer.from('abcdef\nlast line\n'));
    expect(tail.text()).toBe('last line\n');
  });

  it('keeps the first line whole when the cut falls exactly at its start', () => {
    const tail = new TailBuffer(10);
    tail.push(Buffer.from('0123456789\nabcde\nfgh\n'));
    expect(tail.text()).toBe('abcde\nfgh\n');
  });

  it('starts after a carriage return, where a progress bar redraws its line', () => {
    const tail = new TailBuffer(12);
    tail.push(Buffer.from('progress 10%\rprogress 99%\rfailed'));
    expect(tail.text()).toBe('failed');
  });

  it('is empty when one line fills all of it, rather than a piece of that line', () => {
    const tail = new TailBuffer(5);
    tail.push(Buffer.from('a€€€€'));
    expect(tail.text()).toBe('');
  });

  it('keeps a whole chunk smaller than the limit', () => {
    const tail = new TailBuffer(1024);
    tail.push(Buffer.from('hello '));
    tail.push(Buffer.from('world'));
    expect(tail.text()).toBe('hello world');
  });
});
