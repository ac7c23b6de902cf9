/**
 * Turns a byte stream into lines. Pipes deliver arbitrary chunks: a line, or a
 * multi-byte UTF-8 character, may be cut anywhere, so bytes are decoded with a
 * StringDecoder and the unfinished tail is held until the next chunk or `end()`.
 *
 * Every line it emits is a whole line, or the start of one: never a piece that
 * begins in the middle. Secrets are hidden later, line by line, by whoever
 * receives the lines; a secret cut in two between two emitted pieces would match
 * in neither, and be written out in halves.
 */
import { StringDecoder } from 'node:string_decoder';
import { CUT_MARK } from '../../engine/secret-mask.js';

/**
 * A line longer than this is emitted cut to this length and marked with CUT_MARK
 * (so the masker hides a secret the cut split), and the rest of it is dropped, so
 * that a program writing one endless line cannot make weft hold all of it.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

const NEWLINE = 0x0a;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** Inside a line cut at MAX_LINE_CHARS: what is left of it is dropped. */
  private skipping = false;
  private taken = 0;
  private closing = false;
  private stopped = false;
  private dropped = 0;

  /**
   * @param maxBytes after this many bytes the splitter finishes the line it is in,
   *   then drops the rest of the stream (counted in `droppedBytes`)
   */
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxBytes = Infinity,
  ) {}

  /** Bytes read after the last line emitted under `maxBytes`. */
  get droppedBytes(): number {
    return this.dropped;
  }

  push(chunk: Buffer): void {
    if (this.stopped) {
      this.dropped += chunk.length;
      return;
    }
    if (this.closing) {
      // A newline byte is never part of a multi-byte character, so bytes can be cut there.
      const newline = chunk.indexOf(NEWLINE);
      if (newline !== -1) {
        this.stopped = true;
        this.dropped += chunk.length - newline - 1;
        chunk = chunk.subarray(0, newline + 1);
      }
    }
    this.take(this.decoder.write(chunk));
    this.taken += chunk.length;
    if (this.taken >= this.maxBytes && !this.closing) {
      this.closing = true;
      this.stopped = this.pending === '' && !this.skipping;
    }
  }

  /** Emits the last line even when the stream did not end it with a newline. */
  end(): void {
    if (!this.stopped) this.take(this.decoder.end());
    if (this.pending !== '') this.emit(this.pending);
    this.pending = '';
    this.stopped = true;
  }

  private take(text: string): void {
    let from = 0;
    if (this.skipping) {
      const newline = text.indexOf('\n');
      if (newline === -1) return;
      this.skipping = false;
      from = newline + 1;
    }
    for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
      this.emit(this.pending + text.slice(from, nl));
      this.pending = '';
      from = nl + 1;
    }
    this.pending += text.slice(from);
    if (this.pending.length >= MAX_LINE_CHARS) this.cutPending();
  }

  /** Emits the start of an over-long line and drops the rest of it, up to its newline. */
  private cutPending(): void {
    // Not between the two halves of a surrogate pair.
    const end = isHighSurrogate(this.pending.charCodeAt(MAX_LINE_CHARS - 1)) ? MAX_LINE_CHARS - 1 : MAX_LINE_CHARS;
    this.onLine(this.pending.slice(0, end) + CUT_MARK);
    this.pending = '';
    this.skipping = true;
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
