/**
 * Turns a byte stream into lines. Pipes deliver arbitrary chunks: a line, or a
 * multi-byte UTF-8 character, may be cut anywhere, so bytes are decoded with a
 * StringDecoder and the unfinished tail is held until the next chunk or `end()`.
 */
import { StringDecoder } from 'node:string_decoder';

/**
 * An unfinished line longer than this is emitted as it stands, so that a program
 * writing one endless line cannot make weft hold all of it.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  /** Emits the last line even when the stream did not end it with a newline. */
  end(): void {
    this.take(this.decoder.end());
    if (this.pending !== '') this.emit(this.pending);
    this.pending = '';
  }

  private take(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      this.emit(this.pending + text.slice(from, nl));
      this.pending = '';
      from = nl + 1;
    }
    this.pending += text.slice(from);
    if (this.pending.length >= MAX_LINE_CHARS) {
      this.emit(this.pending);
      this.pending = '';
    }
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
