import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TailBuffer } from '../../../src/executors/shell/tail-buffer.js';

describe('TailBuffer', () => {
  it('keeps exactly the last `limit` bytes of ASCII, however it arrives', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme-ascii' })), fc.integer({ min: 1, max: 64 }), (chunks, limit) => {
        const tail = new TailBuffer(limit);
        for (const chunk of chunks) tail.push(Buffer.from(chunk));
        expect(tail.text()).toBe(chunks.join('').slice(-limit));
      }),
    );
  });

  it('drops a character cut in half at the front rather than garbling it', () => {
    const tail = new TailBuffer(5);
    tail.push(Buffer.from('a€€'));
    expect(tail.text()).toBe('€');
  });

  it('keeps a whole chunk smaller than the limit', () => {
    const tail = new TailBuffer(1024);
    tail.push(Buffer.from('hello '));
    tail.push(Buffer.from('world'));
    expect(tail.text()).toBe('hello world');
  });
});
