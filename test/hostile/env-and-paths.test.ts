/**
 * The environment and the working directory, turned against the task: variables that
 * decide which program runs (`PATH`, `LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV`) fed
 * from expressions, names with `=` or newlines, and a `cwd` that leads out of the
 * workdir through `..`, an absolute path or a symlink.
 */
import { existsSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskError } from '../../src/engine/errors.js';
import { shellExecutor, type ShellInput } from '../../src/executors/shell/index.js';
import { issueOf, issuesOf } from '../engine/load/helpers.js';
import { makeContext } from '../helpers/task-context.js';
import { runWorkflow, tempDir, yaml } from './helpers.js';

const temp = tempDir('env');
afterAll(() => temp.remove());

const PROTECTED_MESSAGE = /^`(\w+)` cannot take its value from an expression: it decides which programs run or what code they load/;

async function failure(input: ShellInput, workdir: string, env: Record<string, string> = {}, code = 'INVALID_INPUT'): Promise<TaskError> {
  const ctx = makeContext({ workdir, env });
  const error = await Promise.resolve(shellExecutor.execute(input, ctx)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code, retryable: false });
  return error as TaskError;
}

describe('variables that decide what runs', () => {
  const inputs = 'inputs: { p: { type: string, default: x } }';

  it.each([
    ['the workflow env', yaml('name: x', inputs, 'env:', '  PATH: "${{ inputs.p }}:/usr/bin"', 'tasks: { t: { run: "true" } }'), 'env.PATH', 4],
    ['a task env', yaml('name: x', inputs, 'tasks:', '  t:', '    run: "true"', '    env: { LD_PRELOAD: "${{ inputs.p }}" }'), 'tasks.t.env.LD_PRELOAD', 6],
    ['`with.env`', yaml('name: x', inputs, 'tasks:', '  t:', '    uses: shell', '    with:', '      run: "true"', '      env: { NODE_OPTIONS: "${{ inputs.p }}" }'), 'tasks.t.with.env.NODE_OPTIONS', 8],
    ['a fallback', yaml('name: x', inputs, 'tasks:', '  t:', '    run: "false"', '    fallback:', '      uses: shell', '      with: { run: "true", env: { BASH_ENV: "${{ inputs.p }}" } }'), 'tasks.t.fallback.with.env.BASH_ENV', 8],
  ])('refuses one set from an expression in %s, at the value', (_, text, path, line) => {
    const issue = issueOf(text);
    expect(issue).toMatchObject({ path, line });
    expect(issue.message).toMatch(PROTECTED_MESSAGE);
  });

  it('refuses every protected name, and only those', () => {
    const names = ['PATH', 'LD_LIBRARY_PATH', 'LD_AUDIT', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS', 'BASH_ENV', 'ENV', 'SHELLOPTS', 'PS4', 'IFS', 'PROMPT_COMMAND'];
    const env = [...names, 'PATHS', 'MY_PATH', 'OLD_LD', 'TITLE'].map((name) => `      ${name}: "\${{ inputs.p }}"`);
    const issues = issuesOf(yaml('name: x', inputs, 'tasks:', '  t:', '    run: "true"', '    env:', ...env));
    expect(issues.map((issue) => PROTECTED_MESSAGE.exec(issue.message)?.[1])).toEqual(names);
  });

  it('refuses a `with.env` that is one expression, whose names are unknown until run time', () => {
    const issue = issueOf(yaml('name: x', 'inputs: { e: { type: object } }', 'tasks:', '  t:', '    uses: shell', '    with:', '      run: "true"', '      env: ${{ inputs.e }}'));
    expect(issue).toMatchObject({ path: 'tasks.t.with.env', line: 8 });
    expect(issue.message).toMatch(/^`env` must be a mapping written out in the file/);
  });

  it('lets the author set PATH and LD_LIBRARY_PATH to text written in the file', async () => {
    const text = yaml('name: x', 'env: { PATH: "/usr/local/bin:/usr/bin:/bin", LD_LIBRARY_PATH: /opt/lib }', 'tasks:', '  t:', '    run: printf "%s|%s" "$PATH" "$LD_LIBRARY_PATH"');
    const result = await runWorkflow(text, temp.dir);
    expect(result.tasks.t!.outputs).toMatchObject({ stdout: '/usr/local/bin:/usr/bin:/bin|/opt/lib' });
  });

  it('passes an expression value under an ordinary name as data', async () => {
    const text = yaml('name: x', inputs, 'tasks:', '  t:', '    env: { WANTED_PATH: "${{ inputs.p }}" }', '    run: printf "%s" "$WANTED_PATH"');
    const result = await runWorkflow(text, temp.dir, { p: '/tmp/evil:$PATH' });
    expect(result.tasks.t!.outputs).toMatchObject({ stdout: '/tmp/evil:$PATH' });
  });
});

describe('variable names', () => {
  it.each(['A=B', 'A\nB', 'A\0B', '', '1A', 'A B'])('refuses %j in `with.env` at run time, running nothing', async (name) => {
    const error = await failure({ run: 'touch ran', env: { [name]: 'x' } }, temp.dir);
    expect(error.message).toBe(`environment variable name ${JSON.stringify(name)} is not allowed: use letters, digits and _, starting with a letter or _`);
  });

  it('refuses a name with `=` from the task env at run time, too', async () => {
    const error = await failure({ run: 'true' }, temp.dir, { 'PATH=/tmp/evil:': 'x' });
    expect(error.message).toMatch(/^environment variable name "PATH=\/tmp\/evil:" is not allowed/);
  });

  it('refuses names with `=` or a newline in a workflow env at load, escaped in the message', () => {
    const issues = issuesOf(yaml('name: x', 'env: { "A=B": x, "C\\nD": y }', 'tasks: { t: { run: "true" } }'));
    expect(issues.map((issue) => issue.message)).toEqual([
      'invalid environment variable name `A=B`: use letters, digits and `_`, starting with a letter or `_`',
      'invalid environment variable name `C\\u000aD`: use letters, digits and `_`, starting with a letter or `_`',
    ]);
  });
});

describe('cwd', () => {
  const workdir = join(temp.dir, 'work');
  const outside = join(temp.dir, 'outside');
  mkdirSync(join(workdir, 'sub', 'deeper'), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(workdir, 'escape'));
  symlinkSync(join(workdir, 'sub'), join(workdir, 'inner-link'));
  symlinkSync('..', join(workdir, 'sub', 'up'));

  it.each([
    ['..', temp.dir],
    ['../outside', outside],
    ['sub/../..', temp.dir],
    ['/', '/'],
    ['/tmp', '/tmp'],
    ['escape', outside],
    ['sub/up/escape', outside],
  ])('refuses `%s`, which resolves outside the workdir', async (cwd, real) => {
    const marker = `weft-escaped-${process.pid}`;
    const error = await failure({ run: `touch ${marker}`, cwd }, workdir, {}, 'PATH_OUTSIDE_WORKSPACE');
    expect(error.message).toContain(`cwd "${cwd}" resolves to ${realpathSync(real)}, outside the workspace (the task's workdir ${workdir})`);
    expect(error.message).toContain('workspaceRoots in weft.config.mjs');
    expect(existsSync(join(realpathSync(real), marker))).toBe(false);
  });

  it('runs in a directory outside the workdir once the operator lists it in workspaceRoots', async () => {
    const ctx = makeContext({ workdir, workspaceRoots: [outside] });
    expect((await shellExecutor.execute({ run: 'pwd -P', cwd: 'escape' }, ctx)).stdout).toBe(outside);
    expect((await shellExecutor.execute({ run: 'pwd -P', cwd: '../outside' }, ctx)).stdout).toBe(outside);
    const error = await Promise.resolve(shellExecutor.execute({ run: 'true', cwd: '..' }, ctx)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PATH_OUTSIDE_WORKSPACE', message: expect.stringContaining(`and the allowed roots ${outside}`) });
  });

  it.each([
    ['sub/deeper', join(workdir, 'sub', 'deeper')],
    ['inner-link', join(workdir, 'sub')],
    ['sub/up', workdir],
    ['.', workdir],
  ])('runs in `%s`, inside the workdir after resolving links', async (cwd, real) => {
    const output = await shellExecutor.execute({ run: 'pwd -P', cwd }, makeContext({ workdir }));
    expect(output.stdout).toBe(real);
  });

  it('accepts an absolute cwd inside the workdir', async () => {
    const output = await shellExecutor.execute({ run: 'pwd', cwd: join(workdir, 'sub') }, makeContext({ workdir }));
    expect(output.stdout).toBe(join(workdir, 'sub'));
  });
});
