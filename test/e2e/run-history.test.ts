/** `weft runs`, `show` and `logs` read what `weft run` recorded, through the real CLI and a real store file. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/engine/types.js';
import { REPO_ROOT, runCli, startCli, type CliOptions } from './cli-process.js';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'weft-history-')));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A project of its own: the default store is `<project>/.weft/weft.db`. */
function newProject(name: string): string {
  const dir = join(temp, name);
  mkdirSync(join(dir, 'flows'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{}');
  copyFileSync(join(REPO_ROOT, 'workflows/failure-handling.yaml'), join(dir, 'flows/failure-handling.yaml'));
  copyFileSync(join(REPO_ROOT, 'workflows/hello.yaml'), join(dir, 'flows/hello.yaml'));
  copyFileSync(join(REPO_ROOT, 'test/e2e/fixtures/ticker.yaml'), join(dir, 'flows/ticker.yaml'));
  return dir;
}

const inProject = (cwd: string, env: Record<string, string | undefined> = {}): CliOptions => ({ cwd, env: { WEFT_STORE: undefined, ...env } });

async function weftJson<T>(args: string[], options: CliOptions): Promise<T> {
  const { code, stdout, stderr } = await runCli([...args, '--json'], options);
  expect(code, stderr).not.toBe(2);
  return JSON.parse(stdout) as T;
}

function waitForStdout(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer | string): void => {
      seen += chunk.toString();
      if (!seen.includes(text)) return;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.on('close', () => reject(new Error(`exited before printing "${text}"; stdout:\n${seen}`)));
  });
}

describe('a project with recorded runs', () => {
  const project = newProject('main');
  const options = inProject(join(project, 'flows'));
  let failed: RunResult;
  let hello: RunResult;

  beforeAll(async () => {
    failed = await weftJson<RunResult>(['run', 'failure-handling.yaml', '--quiet'], options);
    hello = await weftJson<RunResult>(['run', 'hello.yaml', '--quiet'], options);
  });

  it('keeps the runs in .weft/weft.db at the project root', () => {
    expect(existsSync(join(project, '.weft', 'weft.db'))).toBe(true);
    expect(failed.status).toBe('failed');
    expect(hello.status).toBe('succeeded');
  });

  it('weft runs: a table, newest first, with status and task counts', async () => {
    const { code, stdout } = await runCli(['runs'], options);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^RUN\s+WORKFLOW\s+STATUS\s+STARTED\s+DURATION\s+TASKS$/);
    expect(lines[1]).toMatch(new RegExp(`^${hello.runId}\\s+hello\\s+✓ succeeded\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\S+\\s+1✓$`));
    expect(lines[2]).toMatch(new RegExp(`^${failed.runId}\\s+failure-handling\\s+✗ failed\\s+.*4✓ 2✗ 1⊘$`));
  });

  it('weft runs filters by workflow and status, and limits', async () => {
    const ids = async (args: string[]) => (await weftJson<RunResult[]>(['runs', ...args], options)).map((r) => r.runId);
    expect(await ids([])).toEqual([hello.runId, failed.runId]);
    expect(await ids(['--workflow', 'failure-handling'])).toEqual([failed.runId]);
    expect(await ids(['--status', 'succeeded'])).toEqual([hello.runId]);
    expect(await ids(['--limit', '1'])).toEqual([hello.runId]);
    expect(await ids(['--workflow', 'nope'])).toEqual([]);
  });

  it('weft show --json prints what weft run --json printed', async () => {
    expect(await weftJson<RunResult>(['show', failed.runId], options)).toEqual(failed);
    expect(await weftJson<RunResult>(['show', hello.runId], options)).toEqual(hello);
  });

  it('weft show: the run, every task, and each failure with its last log lines', async () => {
    const { code, stdout } = await runCli(['show', failed.runId], options);
    expect(code).toBe(0);
    expect(stdout).toContain(`run ${failed.runId}  failure-handling  ✗ failed`);
    expect(stdout).toContain(join(project, 'flows', 'failure-handling.yaml'));
    expect(stdout).toMatch(/^deploy\s+⊘ upstream_failed\s+0\s*$/m);
    expect(stdout).toMatch(/^docs\s+✓ succeeded\s+1\s+\S+$/m);
    expect(stdout).toContain('  ✗ test: NONZERO_EXIT exited with code 1');
    expect(stdout).toContain('│ 1 of 40 tests failed: parses CRLF');
  });

  it('weft logs: every line as [task] line, stderr marked, or one task only', async () => {
    const all = await runCli(['logs', failed.runId], options);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['[docs] docs built', '[test:stderr] 1 of 40 tests failed: parses CRLF', '[lint:stderr] style: 3 warnings']));
    const one = await runCli(['logs', failed.runId, 'test'], options);
    expect(one.stdout).toBe('[test:stderr] 1 of 40 tests failed: parses CRLF\n');
  });

  it('an unknown run or task exits 2 and says what to do', async () => {
    for (const command of ['show', 'logs']) {
      const { code, stderr } = await runCli([command, 'no-such-run'], options);
      expect(code).toBe(2);
      expect(stderr).toBe(`weft: no run no-such-run in ${join(project, '.weft', 'weft.db')}; \`weft runs\` lists them\n`);
    }
    const task = await runCli(['logs', failed.runId, 'nosuch'], options);
    expect(task.code).toBe(2);
    expect(task.stderr).toContain('has no task "nosuch"; its tasks are: lint, test, docs');
  });
});

describe('the store location', () => {
  it('follows --store and WEFT_STORE', async () => {
    const project = newProject('elsewhere');
    const file = join(temp, 'shared', 'runs.db');
    const run = await weftJson<RunResult>(['run', 'flows/hello.yaml', '--quiet', '--store', file], inProject(project));
    expect(existsSync(join(project, '.weft'))).toBe(false);
    const listed = await weftJson<RunResult[]>(['runs'], inProject(temp, { WEFT_STORE: file }));
    expect(listed.map((r) => r.runId)).toEqual([run.runId]);
    const flagWins = await weftJson<RunResult[]>(['runs', '--store', join(temp, 'other.db')], inProject(temp, { WEFT_STORE: file }));
    expect(flagWins).toEqual([]);
  });

  it('refuses a file that is not a store, naming it, and leaves it alone', async () => {
    const file = join(temp, 'notes.txt');
    writeFileSync(file, 'not a database\n'.repeat(100));
    const { code, stderr } = await runCli(['runs', '--store', file], inProject(temp));
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^weft: ${file} is not a weft run store: .*move it aside`));
    expect(stderr).not.toContain('    at ');
    expect(readFileSync(file, 'utf8')).toBe('not a database\n'.repeat(100));
  });

  it('a run that stops before it starts creates nothing: an invalid workflow, inputs or secret', async () => {
    const project = newProject('refused');
    writeFileSync(join(project, 'flows/broken.yaml'), 'name: broken\ntasks:\n  a:\n    neeeds: b\n    run: echo hi\n');
    writeFileSync(join(project, 'flows/needs-input.yaml'), 'name: typed\ninputs:\n  n: { type: number, required: true }\ntasks:\n  a: { run: echo hi }\n');
    writeFileSync(join(project, 'flows/secret.yaml'), 'name: secret\nsecrets:\n  T: { env: WEFT_TEST_UNSET_SECRET }\ntasks:\n  a: { run: echo hi }\n');
    const attempts = [
      ['run', 'flows/broken.yaml'],
      ['run', 'flows/needs-input.yaml', '--input', 'n=abc'],
      ['run', 'flows/secret.yaml'],
    ];
    for (const args of attempts) {
      const { code, stderr } = await runCli(args, inProject(project, { WEFT_TEST_UNSET_SECRET: undefined }));
      expect(code, `${args.join(' ')}: ${stderr}`).toBe(2);
      expect(existsSync(join(project, '.weft')), `${args.join(' ')} left .weft/ behind`).toBe(false);
    }
  });

  it('reading history where there is none creates nothing', async () => {
    const project = newProject('empty');
    const { code, stderr } = await runCli(['runs'], inProject(project));
    expect(code).toBe(0);
    expect(stderr).toBe(`no runs recorded in ${join(project, '.weft', 'weft.db')}\n`);
    expect(existsSync(join(project, '.weft'))).toBe(false);
  });
});

describe('weft runs prune', () => {
  it('deletes finished runs older than the age, and says how many', async () => {
    const project = newProject('prune');
    const options = inProject(project);
    await runCli(['run', 'flows/hello.yaml', '--quiet'], options);
    await runCli(['run', 'flows/hello.yaml', '--quiet'], options);
    const kept = await runCli(['runs', 'prune', '--older-than', '1d'], options);
    expect(kept.stdout).toMatch(/^pruned 0 runs /);
    expect(await weftJson<RunResult[]>(['runs'], options)).toHaveLength(2);
    const pruned = await runCli(['runs', 'prune', '--older-than', '0s'], options);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^pruned 2 runs /);
    expect(await weftJson<RunResult[]>(['runs'], options)).toEqual([]);
  });

  it('needs an age it can read', async () => {
    const { code, stderr } = await runCli(['runs', 'prune', '--older-than', '3 weeks'], inProject(temp));
    expect(code).toBe(2);
    expect(stderr).toContain('such as 30d');
  });
});

describe('weft logs --follow', () => {
  it('prints lines while the run goes on, and exits once it has finished', async () => {
    const project = newProject('follow');
    const options = inProject(project);
    const run = startCli(['run', 'flows/ticker.yaml', '--quiet'], options);
    let running: RunResult[] = [];
    while (running.length === 0) {
      if (run.child.exitCode !== null) throw new Error(`the run ended before it was seen running:\n${(await run.done).stderr}`);
      running = await weftJson<RunResult[]>(['runs', '--status', 'running'], options);
      if (running.length === 0) await delay(50);
    }
    const follow = startCli(['logs', running[0]!.runId, '--follow'], options);
    await waitForStdout(follow.child, '[tick] tick 1');
    expect(run.child.exitCode).toBeNull();
    const [ran, followed] = await Promise.all([run.done, follow.done]);
    expect(ran.code).toBe(0);
    expect(followed.code).toBe(0);
    expect(followed.stdout.trim().split('\n')).toEqual([
      ...Array.from({ length: 8 }, (_, i) => `[tick] tick ${i + 1}`),
      '[tick:stderr] done ticking',
      '[after] after ran',
    ]);
  });
});
