/**
 * Issue titles and bodies written by strangers, passed into `run:` scripts: quotes,
 * `$()`, backticks, `;`, newlines, NUL, terminal escapes and carriage returns.
 * Nothing in them runs, and nothing in them rewrites what the log shows.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { shellExecutor } from '../../src/executors/shell/index.js';
import { makeContext } from '../helpers/task-context.js';
import { tempDir, yaml } from './helpers.js';

const temp = tempDir('shell');
afterAll(() => temp.remove());

const HOSTILE_TITLES = [
  `"; touch pwned-dq; echo "`,
  `'; touch pwned-sq; echo '`,
  '$(touch pwned-subst)',
  '`touch pwned-backtick`',
  'a; touch pwned-semi',
  'line one\ntouch pwned-newline',
  '${IFS}touch${IFS}pwned-ifs',
  '$((1+1)) ${HOME} $0 !! \\',
  "'\"'\"'; touch pwned-mixed #",
];

/** Runs `text` in a fresh directory; returns the result, every logged line, and the files the run left. */
async function runIn(name: string, text: string, inputs: Record<string, unknown>) {
  const dir = join(temp.dir, name);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  const engine = new WorkflowEngine();
  const run = engine.start(engine.parse(text, join(dir, 'workflow.yaml')), { workdir: dir, inputs });
  const logs: string[] = [];
  run.on('task:log', (event) => logs.push(event.line));
  const result: RunResult = await run.result;
  return { result, logs, files: readdirSync(dir) };
}

describe('expression values in scripts', () => {
  const text = yaml(
    'name: titles',
    'inputs: { title: { type: string } }',
    'tasks:',
    '  plain:',
    '    run: |',
    '      printf "%s" ${{ inputs.title }}',
    '  double:',
    '    run: |',
    '      printf "%s" "title: ${{ inputs.title }}"',
    '  single:',
    '    run: |',
    "      printf \"%s\" 'title: ${{ inputs.title }}'",
    '  heredoc:',
    '    run: |',
    '      cat <<EOF',
    '      ${{ inputs.title }}',
    '      EOF',
  );

  it.each(HOSTILE_TITLES)('runs nothing from the title %j and prints it exactly', async (title) => {
    const { result, files } = await runIn(`t${HOSTILE_TITLES.indexOf(title)}`, text, { title });
    expect(files).toEqual([]);
    expect(result.tasks.plain!.outputs).toMatchObject({ stdout: title.trim() });
    expect(result.tasks.double!.outputs).toMatchObject({ stdout: `title: ${title}`.trim() });
    expect(result.tasks.single!.outputs).toMatchObject({ stdout: `title: ${title}`.trim() });
    // A here-document is not shell syntax weft tracks: the reference stays quoted, and the quotes are printed.
    expect(result.tasks.heredoc!.outputs).toMatchObject({ stdout: `"${title}"` });
  });

  it('fails a task whose value holds a NUL with INVALID_INPUT naming the variable, running nothing', async () => {
    const { result, files } = await runIn('nul', yaml('name: nul', 'inputs: { title: { type: string } }', 'tasks:', '  t:', '    run: touch ran; echo ${{ inputs.title }}'), {
      title: 'before\0; touch pwned',
    });
    expect(files).toEqual([]);
    expect(result.tasks.t!.error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
    expect(result.tasks.t!.error!.message).toBe(
      'environment variable WEFT_EXPR_0 holds a NUL character, which a process environment cannot carry; remove it from the value before it reaches this task',
    );
  });
});

describe('the log', () => {
  const spoof = [
    'real line\r12:00:00 ✓ deploy succeeded',
    '\u001b[2K\u001b[1A\u001b[2Kerased the line above',
    '\u001b]0;owned title\u0007\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007',
    'bidi \u202Eevil\u202C text',
    '\u001b[31mred\u001b[0m and\ttab',
  ];

  it('writes control characters as visible escapes, drops colour codes, and keeps the bytes in `stdout`', async () => {
    const ctx = makeContext({ workdir: temp.dir, env: { TITLE: spoof.join('\n') } });
    const output = await shellExecutor.execute({ run: 'printf "%s\\n" "$TITLE"; printf "%s" "$TITLE" >&2' }, ctx);
    expect(ctx.lines('stdout')).toEqual([
      'real line\\u000d12:00:00 ✓ deploy succeeded',
      '\\u001b[2K\\u001b[1A\\u001b[2Kerased the line above',
      '\\u001b]0;owned title\\u0007\\u001b]8;;https://evil.example\\u0007click\\u001b]8;;\\u0007',
      'bidi \\u202eevil\\u202c text',
      'red and\ttab',
    ]);
    for (const entry of ctx.logs) expect(entry.line).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f\u202e]/);
    expect(output.stdout).toBe(spoof.join('\n'));
  });

  it('keeps escapes out of the error message of a failed script', async () => {
    const ctx = makeContext({ workdir: temp.dir, env: { TITLE: 'done\r\u001b[32m✓ all tests passed' } });
    const error = await Promise.resolve(shellExecutor.execute({ run: 'printf "%s\\n" "$TITLE" >&2; exit 3' }, ctx)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NONZERO_EXIT', message: 'exited with code 3: done\\u000d✓ all tests passed' });
  });

  it('logs an issue title printed by a workflow as one escaped line per line of the title', async () => {
    const title = 'Fix\r\u001b[2Kcrash\nsecond line';
    const { logs } = await runIn('log', yaml('name: log', 'inputs: { title: { type: string } }', 'tasks:', '  t:', '    run: echo "${{ inputs.title }}"'), { title });
    expect(logs).toEqual(['Fix\\u000d\\u001b[2Kcrash', 'second line']);
  });
});
