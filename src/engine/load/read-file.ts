/**
 * Reading a workflow file: the size is checked before a byte is read, and the bytes
 * must be UTF-8. Decoding leniently would turn invalid bytes into U+FFFD and load a
 * workflow that is not what its author wrote.
 */
import { readFile, stat } from 'node:fs/promises';
import { UsageError, WorkflowValidationError } from '../errors.js';
import { fileTooLarge, MAX_FILE_BYTES } from './limits.js';

/** The file's text. Throws `WorkflowValidationError` (too large, not UTF-8) or `UsageError` (unreadable). */
export async function readWorkflowFile(file: string): Promise<string> {
  const unreadable = (error: NodeJS.ErrnoException): never => {
    throw new UsageError(`cannot read workflow file ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { cause: error });
  };
  const info = await stat(file).catch(unreadable);
  if (info.size > MAX_FILE_BYTES) throw invalid(file, 1, 1, fileTooLarge(info.size));
  return decodeUtf8(await readFile(file).catch(unreadable), file);
}

/** The bytes as text; throws at the line and column of the first byte that is not UTF-8. */
function decodeUtf8(bytes: Buffer, file: string): string {
  const text = bytes.toString('utf8');
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) {
    const offset = Buffer.byteLength(text.slice(0, at), 'utf8');
    // A U+FFFD written in the file is three valid bytes; anything else was replaced.
    if (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) continue;
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    const byte = bytes[offset]!.toString(16).padStart(2, '0');
    throw invalid(file, line, column, `the file is not valid UTF-8: byte 0x${byte} cannot start or continue a character here; save the file as UTF-8`);
  }
  return text;
}

function invalid(file: string, line: number, column: number, message: string): WorkflowValidationError {
  return new WorkflowValidationError([{ file, line, column, path: '', message }]);
}
