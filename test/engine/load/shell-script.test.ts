import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../../../src/engine/load/template.js';
import type { ExpressionContext, Template } from '../../../src/engine/types.js';

const hostile = `"; echo INJECTED; echo "$(echo INJECTED) \`echo INJECTED\` ' $HOME`;
const context: ExpressionContext = { inputs: { title: hostile }, env: {}, tasks: {}, run: { id: 'r' }, workflow: { name: 'w' } };

function compileScript(run: string) {
  const exprEnv: Record<string, Template> = {};
  const input = compileTemplate<{ run: string }>({ run }, { shellInputs: ['run'], exprEnv });
  const env = Object.fromEntries(Object.entries(exprEnv).map(([name, template]) => [name, String(template.evaluate(context))]));
  return { script: input.evaluate(context).run, env };
}

function runShell(script: string, env: Record<string, string>): string {
  const result = spawnSync('sh', ['-c', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('expressions in shell scripts', () => {
  it('become quoted variable references, numbered from 0', () => {
    const { script, env } = compileScript('echo ${{ inputs.title }} && echo ${{ inputs.title }}');
    expect(script).toBe('echo "${WEFT_EXPR_0}" && echo "${WEFT_EXPR_1}"');
    expect(env).toEqual({ WEFT_EXPR_0: hostile, WEFT_EXPR_1: hostile });
  });

  it('are quoted for where they stand: bare, in double quotes, in single quotes', () => {
    const { script } = compileScript(`printf '%s|' \${{ inputs.title }} "x \${{ inputs.title }}" 'y \${{ inputs.title }}'`);
    expect(script).toBe(`printf '%s|' "\${WEFT_EXPR_0}" "x \${WEFT_EXPR_1}" 'y '"\${WEFT_EXPR_2}"''`);
  });

  it('never run hostile values as code in a real shell', () => {
    const { script, env } = compileScript(`printf '%s|' \${{ inputs.title }} "x \${{ inputs.title }}" 'y \${{ inputs.title }}'`);
    const output = runShell(script, env);
    expect(output).toBe(`${hostile}|x ${hostile}|y ${hostile}|`);
    expect(output).not.toMatch(/^INJECTED/m);
  });

  it('leave scripts without expressions, and other inputs, untouched', () => {
    const exprEnv: Record<string, Template> = {};
    const template = compileTemplate({ run: 'echo hi', other: 'v=${{ inputs.title }}' }, { shellInputs: ['run'], exprEnv });
    expect(template.evaluate(context)).toEqual({ run: 'echo hi', other: `v=${hostile}` });
    expect(exprEnv).toEqual({});
  });

  it('pass values to the environment as text', () => {
    const exprEnv: Record<string, Template> = {};
    compileTemplate({ run: 'echo ${{ inputs.list }} ${{ inputs.none }}' }, { shellInputs: ['run'], exprEnv });
    const values = { ...context, inputs: { list: [1, 'a'], none: null } };
    expect(exprEnv.WEFT_EXPR_0!.evaluate(values)).toBe('[1,"a"]');
    expect(exprEnv.WEFT_EXPR_1!.evaluate(values)).toBe('');
  });

  it('treat every string in a list of scripts as a script', () => {
    const exprEnv: Record<string, Template> = {};
    const template = compileTemplate<{ checks: string[] }>({ checks: ['npm test', 'echo ${{ inputs.title }}'] }, { shellInputs: ['checks'], exprEnv });
    const { checks } = template.evaluate(context);
    expect(checks).toEqual(['npm test', 'echo "${WEFT_EXPR_0}"']);
    const env = { WEFT_EXPR_0: String(exprEnv.WEFT_EXPR_0!.evaluate(context)) };
    expect(runShell(checks[1]!, env)).toBe(`${hostile}\n`);
  });
});
