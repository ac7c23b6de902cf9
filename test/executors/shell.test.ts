import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { shellExecutor, STDOUT_TAIL_BYTES, type ShellInput } from '../../src/executors/shell/index.js';
import { isAlive, readPid } from '../helpers/processes.js';
import { makeContext, type TestTaskContext } from '../helpers/task-context.js';

let dir: string;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'weft-shell-test-')));
  vi.stubEnv('WEFT_KILL_GRACE_MS', '200');
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

function run(input: ShellInput, ctx: TestTaskContext = makeContext({ workdir: dir })) {
  return shellExecutor.execute(input, ctx);
}

async function failure(promise: Promise<unknown> | unknown): Promise<TaskError> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskError);
  return error as TaskError;
}

describe('shell outputs', () => {
  it('gives exit code 0 and the whole stdout, trimmed', async () => {
    const out = await run({ run: 'echo "  hello"; echo "world  "; echo' });
    expect(out).toEqual({ exitCode: 0, stdout: 'hello\nworld' });
  });

  it('adds key=value and multiline values written to $WEFT_OUTPUT, then deletes the file', async () => {
    const out = await run({
      run: [
        'echo "$WEFT_OUTPUT"',
        'echo "name=weft" >> "$WEFT_OUTPUT"',
        'echo "expr=a=b<<c" >> "$WEFT_OUTPUT"',
        '{ echo "notes<<END"; echo "line 1"; echo; echo "line 3"; echo "END"; } >> "$WEFT_OUTPUT"',
      ].join('\n'),
    });
    expect(out.name).toBe('weft');
    expect(out.expr).toBe('a=b<<c');
    expect(out.notes).toBe('line 1\n\nline 3');
    expect(existsSync(out.stdout)).toBe(false);
    expect(existsSync(dirname(out.stdout))).toBe(false);
  });

  it('keeps its own exitCode and stdout over keys of the same name in $WEFT_OUTPUT', async () => {
    const ctx = makeContext({ workdir: dir });
    const script = 'echo real; echo exitCode=7 >> "$WEFT_OUTPUT"; echo stdout=fake >> "$WEFT_OUTPUT"';
    const out = await run({ run: script }, ctx);
    expect(out).toEqual({ exitCode: 0, stdout: 'real' });
    expect(ctx.lines('log').join('\n')).toMatch(/exitCode/);
  });

  it('fails with INVALID_OUTPUT on a $WEFT_OUTPUT line it cannot read', async () => {
    const error = await failure(run({ run: 'echo "just words" >> "$WEFT_OUTPUT"' }));
    expect(error.code).toBe('INVALID_OUTPUT');
    expect(error.message).toContain('just words');
  });

  it('keeps only the last 64 KiB of stdout as the output but logs every line', async () => {
    const ctx = makeContext({ workdir: dir });
    const out = await run({ run: 'for i in $(seq 1 20000); do printf "line-%05d\\n" "$i"; done' }, ctx);
    expect(Buffer.byteLength(out.stdout)).toBeLessThanOrEqual(STDOUT_TAIL_BYTES);
    expect(out.stdout.endsWith('line-20000')).toBe(true);
    expect(out.stdout).not.toContain('line-00001');
    const lines = ctx.lines('stdout');
    expect(lines).toHaveLength(20000);
    expect(lines.every((line, i) => line === `line-${String(i + 1).padStart(5, '0')}`)).toBe(true);
  });
});

describe('shell logs', () => {
  it('sends stdout and stderr lines to logStream in order, with a last line lacking a newline', async () => {
    const ctx = makeContext({ workdir: dir });
    await run({ run: 'echo out1; echo err1 >&2; echo out2; echo err2 >&2; printf "tail" >&2' }, ctx);
    expect(ctx.lines('stdout')).toEqual(['out1', 'out2']);
    expect(ctx.lines('stderr')).toEqual(['err1', 'err2', 'tail']);
  });
});

describe('shell environment', () => {
  it('runs in cwd relative to the workdir, or absolute', async () => {
    mkdirSync(join(dir, 'sub'));
    expect((await run({ run: 'pwd', cwd: 'sub' })).stdout).toBe(join(dir, 'sub'));
    expect((await run({ run: 'pwd', cwd: join(dir, 'sub') })).stdout).toBe(join(dir, 'sub'));
    expect((await run({ run: 'pwd' })).stdout).toBe(dir);
  });

  it('fails with INVALID_INPUT naming a cwd that does not exist, without retrying', async () => {
    const error = await failure(run({ run: 'true', cwd: 'missing' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(join(dir, 'missing'));
  });

  it('layers process env < ctx.env < input env, and sets the WEFT_ variables', async () => {
    vi.stubEnv('WEFT_TEST_FROM_PROCESS', 'process');
    vi.stubEnv('WEFT_TEST_SHADOWED', 'process');
    const env = { A: 'ctx', B: 'ctx', WEFT_TEST_SHADOWED: 'ctx' };
    const ctx = makeContext({ workdir: dir, runId: 'r-9', taskId: 'build[2]', attempt: 3, env });
    const out = await run(
      {
        run: 'echo "$WEFT_TEST_FROM_PROCESS $WEFT_TEST_SHADOWED $A $B|$WEFT_RUN_ID|$WEFT_TASK_ID|$WEFT_ATTEMPT"',
        env: { B: 'input' },
      },
      ctx,
    );
    expect(out.stdout).toBe('process ctx ctx input|r-9|build[2]|3');
  });

  it('passes an expression value through WEFT_EXPR_n as data, never as code', async () => {
    const value = 'a $(touch pwned) `touch pwned2` "double" \'single\' ; touch pwned3\nsecond $HOME line';
    const ctx = makeContext({ workdir: dir, env: { WEFT_EXPR_0: value } });
    const out = await run({ run: 'printf "%s" "${WEFT_EXPR_0}"' }, ctx);
    expect(out.stdout).toBe(value);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('runs sh with -e when asked', async () => {
    expect((await run({ run: 'echo "$0"', shell: 'sh' })).stdout).toBe('sh');
    const error = await failure(run({ run: 'false; echo never', shell: 'sh' }));
    expect(error.code).toBe('NONZERO_EXIT');
  });
});

describe('shell failures', () => {
  it('fails with NONZERO_EXIT, the code and the last stderr line', async () => {
    const error = await failure(run({ run: 'echo first >&2; echo "disk full" >&2; exit 3' }));
    expect(error.code).toBe('NONZERO_EXIT');
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('exited with code 3: disk full');
    expect(error.details).toEqual({ stderrTail: 'first\ndisk full\n' });
  });

  it('stops at the first failing command, including inside a pipeline', async () => {
    const ctx = makeContext({ workdir: dir });
    const error = await failure(run({ run: 'false | cat; echo never' }, ctx));
    expect(error.code).toBe('NONZERO_EXIT');
    expect(ctx.lines('stdout')).toEqual([]);
  });

  it('fails with KILLED when killed by a signal weft did not send', async () => {
    const error = await failure(run({ run: 'kill -9 $$' }));
    expect(error.code).toBe('KILLED');
    expect(error.signal).toBe('SIGKILL');
  });

  it('fails with a non-retryable EXECUTOR_ERROR naming a shell that does not exist', async () => {
    const error = await failure(run({ run: 'true', shell: 'weft-no-such-shell' }));
    expect(error.code).toBe('EXECUTOR_ERROR');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('weft-no-such-shell');
  });
});

describe('shell stopping', () => {
  it('on abort, kills the whole process group, grandchildren that ignore SIGTERM included', async () => {
    const ctx = makeContext({ workdir: dir });
    const pending = run(
      {
        run: [
          'sleep 100 & echo $! > bg.pid',
          "(trap '' TERM; exec sleep 100) & echo $! > stubborn.pid",
          "bash -c 'sleep 100 & echo $! > nested.pid; wait' &",
          'wait',
        ].join('\n'),
      },
      ctx,
    );
    const pids = await Promise.all(['bg.pid', 'stubborn.pid', 'nested.pid'].map((f) => readPid(join(dir, f))));
    expect(pids.every(isAlive)).toBe(true);
    ctx.controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('CANCELLED');
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('rejects with the TaskError given as the abort reason', async () => {
    const ctx = makeContext({ workdir: dir });
    const pending = run({ run: 'echo $$ > shell.pid; sleep 100' }, ctx);
    const pid = await readPid(join(dir, 'shell.pid'));
    const reason = new TaskError('TIMEOUT', 'timed out after 1s');
    ctx.controller.abort(reason);
    expect(await failure(pending)).toBe(reason);
    expect(isAlive(pid)).toBe(false);
  });

  it('does not start the script when already aborted', async () => {
    const ctx = makeContext({ workdir: dir });
    ctx.controller.abort();
    const error = await failure(run({ run: 'touch ran' }, ctx));
    expect(error.code).toBe('CANCELLED');
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('stops what the script left running in the background when it exits', async () => {
    const out = await run({ run: 'sleep 100 & echo $!' });
    expect(isAlive(Number(out.stdout))).toBe(false);
  });
});
