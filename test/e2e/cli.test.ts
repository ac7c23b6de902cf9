import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import { REPO_ROOT, runCli, startCli, waitForStderr } from './cli-process.js';

const fixture = (name: string) => `test/e2e/fixtures/${name}`;
const temp = mkdtempSync(join(tmpdir(), 'weft-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function parseResult(stdout: string): RunResult {
  return JSON.parse(stdout) as RunResult;
}

describe('weft run', () => {
  it('runs a workflow: exit 0, the run result as one JSON document on stdout, progress on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['run', 'workflows/hello.yaml', '--json']);
    expect(code).toBe(0);
    const result = parseResult(stdout);
    expect(result).toMatchObject({ workflow: 'hello', status: 'succeeded', outputs: { greeting: 'hello, world' } });
    expect(result.tasks.greet).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(stderr).toMatch(/^\d\d:\d\d:\d\d ✓ greet succeeded \d+ms$/m);
    expect(stderr).toMatch(/✓ hello succeeded in .* · 1 succeeded/);
  });

  it('coerces --input values by the declared type; --input wins over an --inputs file', async () => {
    const { code, stdout } = await runCli([
      'run',
      fixture('typed.yaml'),
      '--inputs',
      fixture('typed-inputs.yaml'),
      '--input',
      'count=42',
      '--input',
      'flag=true',
      '--json',
      '--quiet',
    ]);
    expect(code).toBe(0);
    expect(parseResult(stdout).outputs.seen).toEqual({ count: 42, flag: true, items: ['x', 'y'], label: 'from-file' });
  });

  it('exits 1 when a task fails, with the failed task, its error and its last log lines in the summary', async () => {
    const { code, stderr } = await runCli(['run', 'workflows/failure-handling.yaml']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/✗ failure-handling failed in .* · .*1 upstream_failed/);
    expect(stderr).toContain('  ✗ test: NONZERO_EXIT exited with code 1');
    expect(stderr).toContain('│ 1 of 40 tests failed: parses CRLF');
  });

  it('with --quiet prints only the summary', async () => {
    const { code, stderr } = await runCli(['run', 'workflows/hello.yaml', '--quiet']);
    expect(code).toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(2);
    expect(stderr).toMatch(/^✓ hello succeeded/);
    expect(stderr).toContain('outputs {"greeting":"hello, world"}');
  });

  it('exits 2 for a workflow with a typo, pointing at file:line:col with a suggestion and no stack trace', async () => {
    const { code, stderr, stdout } = await runCli(['run', fixture('typo.yaml')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/test\/e2e\/fixtures\/typo\.yaml:6:5: .*neeeds.*did you mean `needs`/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 2 when a required input is missing, naming it', async () => {
    const { code, stderr } = await runCli(['run', 'workflows/inputs.yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid inputs for workflow "inputs"');
    expect(stderr).toContain('name');
  });

  it('exits 2 for usage errors: unknown flag, bad --concurrency, missing file', async () => {
    const unknown = await runCli(['run', 'workflows/hello.yaml', '--jsn']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--jsn'");
    expect(unknown.stderr).toContain('Usage: weft run FILE');
    const concurrency = await runCli(['run', 'workflows/hello.yaml', '--concurrency', '0']);
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toContain('--concurrency expects a positive integer, got "0"');
    const missing = await runCli(['run', 'workflows/nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('workflows/nope.yaml');
  });

  it('cancels on SIGINT: running tasks end cancelled and the exit code is 130', async () => {
    const { child, done } = startCli(['run', fixture('slow.yaml'), '--json']);
    await waitForStderr(child, '▸ sleeper started');
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    expect(code).toBe(130);
    const result = parseResult(stdout);
    expect(result.status).toBe('cancelled');
    expect(result.tasks.sleeper?.status).toBe('cancelled');
    expect(result.tasks.after?.status).toBe('cancelled');
    expect(result.durationMs).toBeLessThan(30_000);
    expect(stderr).toContain('received SIGINT: cancelling the run');
  });

  it('runs a custom executor from weft.config.mjs beside the workflow', async () => {
    const dir = mkdtempSync(join(temp, 'custom-'));
    writeFileSync(
      join(dir, 'weft.config.mjs'),
      `export default {
  executors: [{
    name: 'greet',
    description: 'Greets someone.',
    inputSchema: { type: 'object', properties: { who: { type: 'string', description: 'Who to greet' } }, required: ['who'] },
    execute: (input, ctx) => ({ text: 'hi ' + input.who + ' from ' + ctx.taskId }),
  }],
  resources: { llm: 2 },
};\n`,
    );
    writeFileSync(
      join(dir, 'flow.yaml'),
      'name: custom\ntasks:\n  hi:\n    uses: greet\n    resources: { llm: 2 }\n    with: { who: Ada }\noutputs:\n  text: ${{ tasks.hi.outputs.text }}\n',
    );
    const { code, stdout } = await runCli(['run', join(dir, 'flow.yaml'), '--json', '--quiet']);
    expect(code).toBe(0);
    expect(parseResult(stdout).outputs).toEqual({ text: 'hi Ada from hi' });

    const listed = await runCli(['executors', '--json'], { cwd: dir });
    const greet = (JSON.parse(listed.stdout) as { name: string }[]).find((e) => e.name === 'greet');
    expect(greet).toEqual({
      name: 'greet',
      description: 'Greets someone.',
      inputs: [{ name: 'who', type: 'string', description: 'Who to greet', required: true }],
    });
  });

  it("runs tasks in the workflow file's directory", async () => {
    const dir = mkdtempSync(join(temp, 'workdir-'));
    writeFileSync(join(dir, 'flow.yaml'), 'name: where\ntasks:\n  here:\n    run: pwd -P\noutputs:\n  dir: ${{ tasks.here.outputs.stdout }}\n');
    const { code, stdout } = await runCli(['run', join(dir, 'flow.yaml'), '--json', '--quiet']);
    expect(code).toBe(0);
    expect(parseResult(stdout).outputs.dir).toBe(realpathSync(dir));
  });

  it('exits 2 with the config path when weft.config.mjs is broken', async () => {
    const dir = mkdtempSync(join(temp, 'bad-config-'));
    writeFileSync(join(dir, 'weft.config.mjs'), "export default { executors: [{ name: 'x' }] };\n");
    writeFileSync(join(dir, 'flow.yaml'), 'name: x\ntasks:\n  a:\n    run: echo a\n');
    const { code, stderr } = await runCli(['run', join(dir, 'flow.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(dir, 'weft.config.mjs')}: executors[0] (\`x\`) needs an \`execute(input, ctx)\` function`);
  });
});

describe('weft validate', () => {
  it('reports every issue of every invalid file compiler-style and exits 2', async () => {
    const { code, stdout, stderr } = await runCli([
      'validate',
      'workflows/hello.yaml',
      fixture('typo.yaml'),
      fixture('broken.yaml'),
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('✓ workflows/hello.yaml\n');
    expect(stderr).toMatch(/^test\/e2e\/fixtures\/typo\.yaml:6:5: .*\(at tasks\.test/m);
    expect(stderr).toMatch(/^test\/e2e\/fixtures\/broken\.yaml:4:\d+: .*fetch/m);
    expect(stderr).toMatch(/^test\/e2e\/fixtures\/broken\.yaml:5:\d+: .*shel.*did you mean/m);
    expect(stderr).toContain('2 of 3 files invalid');
  });

  it('exits 0 when every file is valid', async () => {
    const { code, stdout } = await runCli(['validate', 'workflows/hello.yaml', 'workflows/diamond.yaml']);
    expect(code).toBe(0);
    expect(stdout).toBe('✓ workflows/hello.yaml\n✓ workflows/diamond.yaml\n');
  });
});

describe('weft graph', () => {
  it('prints mermaid by default, with fan-out nodes marked', async () => {
    const { code, stdout } = await runCli(['graph', 'workflows/fan-out.yaml']);
    expect(code).toBe(0);
    expect(stdout).toContain('flowchart TD');
    expect(stdout).toContain('t0[["build<br/>shell · for each"]]');
    expect(stdout).toContain('t0 --> t1');
  });

  it('prints dot and json, and rejects an unknown format', async () => {
    const dot = await runCli(['graph', 'workflows/failure-handling.yaml', '--format', 'dot']);
    expect(dot.stdout).toContain('"notify" [label="notify\\nshell\\ntrigger: one_failed"];');
    expect(dot.stdout).toContain('"test" -> "deploy";');
    const json = await runCli(['graph', 'workflows/diamond.yaml', '--format', 'json']);
    const doc = JSON.parse(json.stdout) as { nodes: { id: string }[]; edges: unknown[] };
    expect(doc.nodes.map((n) => n.id)).toEqual(['version', 'test', 'lint', 'package']);
    expect(doc.edges).toHaveLength(4);
    const bad = await runCli(['graph', 'workflows/diamond.yaml', '--format', 'svg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of mermaid, dot, json; got "svg"');
  });
});

describe('weft executors', () => {
  it('lists the built-in executors with their input fields', async () => {
    const { code, stdout } = await runCli(['executors', '--json']);
    expect(code).toBe(0);
    const executors = JSON.parse(stdout) as { name: string; description: string; inputs: { name: string; required: boolean }[] }[];
    const shell = executors.find((e) => e.name === 'shell');
    expect(shell?.description).toBeTruthy();
    expect(shell?.inputs).toContainEqual(expect.objectContaining({ name: 'run', required: true }));
    expect(executors.map((e) => e.name)).toContain('echo');
    const text = await runCli(['executors']);
    expect(text.stdout).toMatch(/^shell {2}.+\n {2}run +string \(required\)/m);
  });
});

describe('help and version', () => {
  it('prints help for the top level and every command', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: weft <command>');
    for (const command of ['run', 'validate', 'graph', 'executors']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: weft ${command}`);
    }
  });

  it('prints the package version', async () => {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)(join(REPO_ROOT, 'package.json')) as { version: string };
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 with the usage for an unknown command or no command', async () => {
    const unknown = await runCli(['rnu']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "rnu"');
    expect(unknown.stderr).toContain('Usage: weft <command>');
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing command');
  });
});
