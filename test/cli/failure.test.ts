import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/cli/config.js';
import { exitCodeForError, exitCodeForStatus, formatError } from '../../src/cli/failure.js';
import { InputValidationError, TaskError, UsageError, WorkflowValidationError } from '../../src/engine/errors.js';

const issue = (line: number, message: string) => ({ file: 'w.yaml', line, column: 3, path: 'tasks.a', message });

describe('exit codes', () => {
  it('maps run statuses', () => {
    expect(['succeeded', 'failed', 'waiting', 'cancelled'].map((s) => exitCodeForStatus(s as never))).toEqual([0, 1, 3, 130]);
  });

  it('gives 2 for anything that stops a run from starting, 1 otherwise', () => {
    expect(exitCodeForError(new WorkflowValidationError([issue(1, 'bad')]))).toBe(2);
    expect(exitCodeForError(new InputValidationError('w', ['missing name']))).toBe(2);
    expect(exitCodeForError(new UsageError('no'))).toBe(2);
    expect(exitCodeForError(new ConfigError('/x/weft.config.mjs', 'bad'))).toBe(2);
    expect(exitCodeForError(new TaskError('BOOM', 'boom'))).toBe(1);
    expect(exitCodeForError(new Error('internal'))).toBe(1);
  });
});

describe('formatError', () => {
  it('lists every workflow issue compiler-style with a count', () => {
    const text = formatError(new WorkflowValidationError([issue(2, 'first'), issue(5, 'second')]), {});
    expect(text).toBe('w.yaml:2:3: first (at tasks.a)\nw.yaml:5:3: second (at tasks.a)\n2 problems in the workflow; fix them and run again');
  });

  it('shows a stack trace only with WEFT_DEBUG=1', () => {
    const error = new Error('kaput');
    expect(formatError(error, {})).toBe('unexpected error: kaput (set WEFT_DEBUG=1 for the stack trace)');
    expect(formatError(new UsageError('bad flag'), {})).toBe('bad flag');
    expect(formatError(error, { WEFT_DEBUG: '1' })).toContain('    at ');
  });
});
