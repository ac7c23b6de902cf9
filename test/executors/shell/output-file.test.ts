import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { createOutputFile, parseOutputFile } from '../../../src/executors/shell/output-file.js';

function parseError(text: string): TaskError {
  try {
    parseOutputFile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TaskError);
    return error as TaskError;
  }
  throw new Error('expected parseOutputFile to throw');
}

describe('parseOutputFile', () => {
  it('reads key=value lines; a later line wins; the value may hold = and be empty', () => {
    expect(parseOutputFile('a=1\nb=x=y\na=2\nempty=\n')).toEqual({ a: '2', b: 'x=y', empty: '' });
  });

  it('reads GitHub multiline values up to the delimiter line', () => {
    expect(parseOutputFile('notes<<EOF\none\n\nthree\nEOF\nafter=1\n')).toEqual({ notes: 'one\n\nthree', after: '1' });
  });

  it('decides between = and << by which comes first', () => {
    expect(parseOutputFile('a=b<<c\n')).toEqual({ a: 'b<<c' });
    expect(parseOutputFile('a<<=\nvalue\n=\n')).toEqual({ a: 'value' });
  });

  it('accepts CRLF line endings and skips blank lines', () => {
    expect(parseOutputFile('a=1\r\n\r\nb<<E\r\nx\r\nE\r\n')).toEqual({ a: '1', b: 'x' });
  });

  it('keeps __proto__ as an ordinary key', () => {
    const values = parseOutputFile('__proto__=x\n');
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect(Object.keys(values)).toEqual(['__proto__']);
  });

  it('rejects a line with neither form, naming its line number', () => {
    const error = parseError('a=1\nnonsense\n');
    expect(error.code).toBe('INVALID_OUTPUT');
    expect(error.message).toContain('line 2');
    expect(error.message).toContain('nonsense');
  });

  it('quotes a bad line whole or not at all: a line cut short could show half a secret', () => {
    expect(parseError(`${'x'.repeat(200)}\n`).message).toContain(`found "${'x'.repeat(200)}"`);
    const long = parseError(`${'x'.repeat(190)}ghp_secret-token\n`).message;
    expect(long).toContain('found a line of 206 characters');
    expect(long).not.toContain('xxx');
    expect(parseError(`${'k'.repeat(300)}<<EOF\nline\n`).message).toContain('a line of 305 characters is never closed by a line "EOF"');
    expect(parseError(`k<<${'d'.repeat(300)}\nline\n`).message).toContain('a line of 303 characters is never closed by a line holding its 300-character delimiter');
  });

  it('rejects an empty key, a missing delimiter and an unclosed multiline value', () => {
    expect(parseError('=value\n').code).toBe('INVALID_OUTPUT');
    expect(parseError('key<<\n').message).toContain('no delimiter');
    expect(parseError('key<<EOF\nline\n').message).toContain('never closed');
  });
});

describe('createOutputFile', () => {
  it('creates an empty file, reads what is written to it, and removes it with its directory', async () => {
    const file = await createOutputFile();
    expect(await file.read()).toEqual({});
    writeFileSync(file.path, 'k=v\n');
    expect(await file.read()).toEqual({ k: 'v' });
    await file.remove();
    expect(existsSync(dirname(file.path))).toBe(false);
  });
});
