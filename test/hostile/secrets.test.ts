/**
 * Secrets come from the environment or a file, reach tasks as data, and never come
 * back out: not as written, not base64- or URL-encoded, not line by line. Every
 * channel is searched: events, the run result, the store, and through the real CLI
 * its stdout and stderr, `weft show --json`, `weft logs`, the database file's bytes
 * and the HTML report.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsUnavailableError } from '../../src/engine/secrets.js';
import { WorkflowValidationError } from '../../src/engine/errors.js';
import type { Executor } from '../../src/engine/executor.js';
import type { RunResult } from '../../src/engine/types.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { runCli } from '../e2e/cli-process.js';
import { recordEvents } from '../helpers/engine.js';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'weft-secrets-')));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A token with characters that URL-encoding and base64 both change. */
const TOKEN = `ghp_${randomBytes(18).toString('hex')}/+&=?x`;
/** A multi-line key, as a PEM file holds one. */
const KEY = ['-----BEGIN TEST KEY-----', ...Array.from({ length: 4 }, () => randomBytes(36).toString('base64')), '-----END TEST KEY-----'].join('\n');

/** Every form a secret must never appear in. */
function forbidden(value: string): string[] {
  const bytes = Buffer.from(value);
  const forms = [value, bytes.toString('base64'), bytes.toString('base64url'), encodeURIComponent(value)];
  for (const line of value.split('\n')) if (line.length >= 8) forms.push(line);
  return forms;
}

function expectNoSecrets(what: string, text: string): void {
  for (const form of [...forbidden(TOKEN), ...forbidden(KEY)]) {
    expect(text.includes(form), `${what} holds ${JSON.stringify(form)}`).toBe(false);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const LEAKY = `name: leaky
secrets:
  TOKEN: { env: WEFT_TEST_TOKEN }
  KEY: { file: ./deploy.pem }
tasks:
  show:
    env:
      TOKEN: \${{ secrets.TOKEN }}
      KEY: \${{ secrets.KEY }}
    run: |
      echo "raw: $TOKEN"
      echo "in the script: \${{ secrets.TOKEN }}"
      printf 'b64: %s\\n' "$(printf %s "$TOKEN" | base64 -w0)"
      printf 'url: %s\\n' "$(node -e 'process.stdout.write(encodeURIComponent(process.env.TOKEN))')"
      echo "$KEY"
      echo "token: $TOKEN" >&2
      echo "digest=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" >> "$WEFT_OUTPUT"
      echo "keyDigest=$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)" >> "$WEFT_OUTPUT"
      echo "leak=the token is $TOKEN" >> "$WEFT_OUTPUT"
  fails:
    retry: { maxAttempts: 2 }
    run: |
      echo "failing with \${{ secrets.TOKEN }}" >&2
      exit 3
  echoed:
    uses: echo
    with:
      token: \${{ secrets.TOKEN }}
      encoded: \${{ format('{0}', secrets.KEY) }}
outputs:
  token: \${{ secrets.TOKEN }}
  digest: \${{ tasks.show.outputs.digest }}
  keyDigest: \${{ tasks.show.outputs.keyDigest }}
`;

function project(name: string, workflow = LEAKY): string {
  const dir = join(temp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{}');
  writeFileSync(join(dir, 'leaky.yaml'), workflow);
  writeFileSync(join(dir, 'deploy.pem'), `${KEY}\n`);
  return dir;
}

/** The run store's file and its write-ahead log, as bytes, for grepping: a value can sit in either. */
function storeBytes(dir: string): string {
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, '.weft', name)).toString('latin1');
    } catch {
      return '';
    }
  };
  return read('weft.db') + read('weft.db-wal');
}

describe('secrets through the engine', () => {
  const dir = project('engine');
  let result: RunResult;
  let seen: string;

  beforeAll(async () => {
    process.env.WEFT_TEST_TOKEN = TOKEN;
    const engine = new WorkflowEngine();
    const workflow = await engine.loadFile(join(dir, 'leaky.yaml'));
    const run = engine.start(workflow, { workdir: dir });
    const events = recordEvents(run);
    result = await run.result;
    const stored = engine.store.getRun(run.id);
    seen = JSON.stringify({ events: events.events, result, stored, logs: engine.store.readLogs(run.id), workflow: workflow.secrets });
  });
  afterAll(() => {
    delete process.env.WEFT_TEST_TOKEN;
  });

  it('hands tasks the values from the environment and the file', () => {
    expect(result.outputs.digest).toBe(sha256(TOKEN));
    expect(result.outputs.keyDigest).toBe(sha256(KEY));
    expect(result.tasks.show?.status).toBe('succeeded');
    expect(result.tasks.fails?.attempts).toBe(2);
  });

  it('masks them in events, outputs, errors, the result and the store', () => {
    expectNoSecrets('events, result and store', seen);
    expect(result.outputs.token).toBe('***');
    expect(result.tasks.show?.outputs).toMatchObject({ leak: 'the token is ***' });
    expect(result.tasks.fails?.error?.message).toContain('failing with ***');
    expect(seen).toContain('raw: ***');
    expect(seen).toContain('in the script: ***');
    expect(seen).toContain('b64: ***');
    expect(seen).toContain('url: ***');
  });

  it('re-reads them when a run resumes, and never stores them', async () => {
    const approvalDir = project(
      'resume',
      `name: gated
secrets:
  TOKEN: { env: WEFT_TEST_TOKEN }
tasks:
  gate:
    uses: approval
  use:
    needs: gate
    run: echo "digest=$(printf %s "\${{ secrets.TOKEN }}" | sha256sum | cut -d' ' -f1)" >> "$WEFT_OUTPUT"
outputs:
  digest: \${{ tasks.use.outputs.digest }}
`,
    );
    const engine = new WorkflowEngine();
    const workflow = await engine.loadFile(join(approvalDir, 'leaky.yaml'));
    const first = await engine.run(workflow, { workdir: approvalDir });
    expect(first.status).toBe('waiting');
    expect(JSON.stringify(engine.store.getRun(first.runId))).not.toContain(TOKEN);
    engine.approve(first.runId, 'gate', { by: 'tester' });

    delete process.env.WEFT_TEST_TOKEN;
    expect(() => engine.resume(first.runId)).toThrow(SecretsUnavailableError);

    process.env.WEFT_TEST_TOKEN = TOKEN;
    const resumed = await engine.resume(first.runId).result;
    expect(resumed.status).toBe('succeeded');
    expect(resumed.outputs.digest).toBe(sha256(TOKEN));
  });
});

describe('a secret that cannot be read', () => {
  const engine = new WorkflowEngine();
  const start = (dir: string) => engine.start(engine.parse(readFileSync(join(dir, 'leaky.yaml'), 'utf8'), join(dir, 'leaky.yaml')), { workdir: dir });
  const problemsOf = (fn: () => unknown): string[] => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(SecretsUnavailableError);
      return [...(error as SecretsUnavailableError).problems];
    }
    throw new Error('expected SecretsUnavailableError');
  };

  it('stops the run before it starts, naming each missing variable and file', () => {
    const dir = project('missing');
    rmSync(join(dir, 'deploy.pem'));
    delete process.env.WEFT_TEST_TOKEN;
    const before = engine.store.listRuns().length;
    const problems = problemsOf(() => start(dir));
    expect(problems).toEqual([
      'TOKEN: the environment variable WEFT_TEST_TOKEN is not set; set it before starting the run',
      expect.stringMatching(/^KEY: the file .*deploy\.pem does not exist/),
    ]);
    expect(engine.store.listRuns().length).toBe(before);
  });

  it('refuses an empty value and a file outside the workflow directory, even through a symlink', () => {
    const dir = project('escape');
    process.env.WEFT_TEST_TOKEN = '';
    const outside = join(temp, 'outside.pem');
    writeFileSync(outside, 'not yours');
    rmSync(join(dir, 'deploy.pem'));
    symlinkSync(outside, join(dir, 'deploy.pem'));
    try {
      const problems = problemsOf(() => start(dir));
      expect(problems[0]).toContain('WEFT_TEST_TOKEN is empty');
      expect(problems[1]).toContain("outside the workflow's directory");
    } finally {
      delete process.env.WEFT_TEST_TOKEN;
    }
  });

  it('is a load error when an expression reads a secret that is not declared', () => {
    const text = 'name: x\nsecrets:\n  TOKEN: { env: A }\ntasks:\n  a:\n    run: echo ${{ secrets.TOKNE }}\n';
    expect(() => engine.parse(text)).toThrow(WorkflowValidationError);
    expect(() => engine.parse(text)).toThrow(/unknown secret `TOKNE`.*did you mean `TOKEN`/);
    const both = 'name: x\nsecrets:\n  TOKEN: { env: A, file: ./a }\ntasks:\n  a:\n    run: echo hi\n';
    expect(() => engine.parse(both)).toThrow(/gives both `env` and `file`/);
    const neither = 'name: x\nsecrets:\n  TOKEN: {}\ntasks:\n  a:\n    run: echo hi\n';
    expect(() => engine.parse(neither)).toThrow(/needs `env` or `file`/);
  });
});

describe('secrets through the real CLI', () => {
  const dir = project('cli');
  const env = { WEFT_TEST_TOKEN: TOKEN, WEFT_STORE: undefined };
  let run: Awaited<ReturnType<typeof runCli>>;
  let runId: string;

  beforeAll(async () => {
    run = await runCli(['run', 'leaky.yaml', '--json', '--report', 'report.html'], { cwd: dir, env });
    runId = (JSON.parse(run.stdout) as RunResult).runId;
  });

  it('runs the workflow (the failing task fails the run)', () => {
    expect(run.code, run.stderr).toBe(1);
    expect((JSON.parse(run.stdout) as RunResult).outputs.digest).toBe(sha256(TOKEN));
  });

  it('keeps them out of stdout, stderr, the report, the store file, show and logs', async () => {
    expectNoSecrets('stdout of weft run --json', run.stdout);
    expectNoSecrets('stderr of weft run', run.stderr);
    expectNoSecrets('the HTML report', readFileSync(join(dir, 'report.html'), 'utf8'));
    const show = await runCli(['show', runId, '--json'], { cwd: dir, env });
    expect(show.code, show.stderr).toBe(0);
    expectNoSecrets('weft show --json', show.stdout + show.stderr);
    const logs = await runCli(['logs', runId], { cwd: dir, env });
    expect(logs.stdout).toContain('raw: ***');
    expectNoSecrets('weft logs', logs.stdout + logs.stderr);
    const jsonLogs = await runCli(['run', 'leaky.yaml', '--log-format', 'json'], { cwd: dir, env });
    expect(jsonLogs.stderr).toContain('raw: ***');
    expectNoSecrets('--log-format json', jsonLogs.stdout + jsonLogs.stderr);
    const db = storeBytes(dir);
    expect(db).toContain('raw: ***');
    expectNoSecrets('the .weft/weft.db files', db);
  });

  it('exits 2 with a clear message when the variable is not set', async () => {
    const missing = await runCli(['run', 'leaky.yaml'], { cwd: dir, env: { WEFT_TEST_TOKEN: undefined, WEFT_STORE: undefined } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('TOKEN: the environment variable WEFT_TEST_TOKEN is not set');
  });
});

/** Every run of 10 characters of a value: the back half of a token is still a leak. */
function piecesOf(value: string, size = 10): string[] {
  return Array.from({ length: value.length - size + 1 }, (_, i) => value.slice(i, i + size));
}

function expectNoPieces(what: string, text: string): void {
  for (const piece of [...piecesOf(TOKEN), ...piecesOf(Buffer.from(TOKEN).toString('base64'))]) {
    expect(text.includes(piece), `${what} holds ${JSON.stringify(piece)}, a piece of the token`).toBe(false);
  }
}

/**
 * Output cut where weft cuts it: a line longer than 1 MiB whose cut falls three
 * characters into the token (raw, then base64; the pause makes the cut land there
 * whatever the pipe does), and one made of copies of the base64 token, which masking
 * shrinks below the log's 64 KiB cut, so that the cut at 1 MiB, twelve characters
 * into a copy, would show; the start of stdout's 64 KiB tail twelve characters
 * before the token's end, the same at the start of stderr's 4 KiB tail, and a
 * $WEFT_OUTPUT line too long to quote whole in an error.
 */
const CUTS = `name: cuts
secrets:
  TOKEN: { env: WEFT_TEST_TOKEN }
tasks:
  long_lines:
    env:
      TOKEN: \${{ secrets.TOKEN }}
    run: |
      filler() { head -c "$1" /dev/zero | tr '\\0' "$2"; }
      B64=$(printf %s "$TOKEN" | base64 -w0)
      filler $((1048576 - 3)) x; printf %s "\${TOKEN:0:3}"; sleep 0.2; printf '%s\\n' "\${TOKEN:3}"
      filler $((1048576 - 3)) y; printf %s "\${B64:0:3}"; sleep 0.2; printf '%s\\n' "\${B64:3}"
      n=$(( (1048576 - 12) / \${#B64} )); filler $(( 1048576 - 12 - n * \${#B64} )) v
      for i in $(seq $n); do printf %s "$B64"; done; printf %s "\${B64:0:12}"; sleep 0.2; printf '%s\\n' "\${B64:12}"
      printf 'the token is %s\\n' "$TOKEN"
      filler $((65536 - 14)) z; echo
  stderr_tail:
    env:
      TOKEN: \${{ secrets.TOKEN }}
    run: |
      printf 'the token is %s\\n' "$TOKEN" >&2
      head -c $((4096 - 14)) /dev/zero | tr '\\0' w >&2; echo >&2
      exit 1
  output_line:
    env:
      TOKEN: \${{ secrets.TOKEN }}
    run: |
      { printf 'x<<'; for i in $(seq 2000); do printf '%s ' "$TOKEN"; done; } >> "$WEFT_OUTPUT"
`;

describe('a secret where long output is cut', () => {
  const dir = project('cuts', CUTS);
  const env = { WEFT_TEST_TOKEN: TOKEN, WEFT_STORE: undefined };

  it('is never written in pieces: not in the log, events, outputs, errors or the store', async () => {
    process.env.WEFT_TEST_TOKEN = TOKEN;
    try {
      const engine = new WorkflowEngine();
      const run = engine.start(await engine.loadFile(join(dir, 'leaky.yaml')), { workdir: dir });
      const events = recordEvents(run);
      const result = await run.result;
      const logs = engine.store.readLogs(run.id);
      expect(result.tasks.long_lines?.status, JSON.stringify(result.tasks.long_lines?.error)).toBe('succeeded');
      expect((result.tasks.long_lines?.outputs as { stdout: string }).stdout).toBe('z'.repeat(65536 - 14));
      expect(logs.map((entry) => entry.line)).toContain('the token is ***');
      expect(result.tasks.stderr_tail?.error?.message).toBe(`exited with code 1: ${'w'.repeat(4096 - 14)}`);
      expect(result.tasks.stderr_tail?.error?.details).toEqual({ stderrTail: `${'w'.repeat(4096 - 14)}\n` });
      expect(result.tasks.output_line?.error?.message).toContain(`a line of ${3 + 2000 * (TOKEN.length + 1)} characters is never closed`);
      expectNoPieces('events, result and store', JSON.stringify({ events: events.events, result, stored: engine.store.getRun(run.id), logs }));
    } finally {
      delete process.env.WEFT_TEST_TOKEN;
    }
  }, 60_000);

  it('is never written in pieces through the real CLI: stdout, stderr, logs and the store file', async () => {
    const run = await runCli(['run', 'leaky.yaml', '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(1);
    const { runId } = JSON.parse(run.stdout) as RunResult;
    expectNoPieces('weft run --json and its stderr', run.stdout + run.stderr);
    const logs = await runCli(['logs', runId], { cwd: dir, env });
    expect(logs.stdout).toContain('the token is ***');
    expectNoPieces('weft logs', logs.stdout + logs.stderr);
    expectNoPieces('the .weft/weft.db files', storeBytes(dir));
  }, 60_000);
});

/**
 * A custom executor (from weft.config.mjs, the module the CLI loads too) that puts
 * the token after `pad` characters of filler in: an Error's message, where it is cut
 * at 64 KiB; a thrown object and a string thrown by a getter of its outputs, both
 * described in a message that is cut at 200 characters.
 */
const LEAK_CONFIG = `export default {
  executors: [{
    name: 'leak',
    execute({ token, pad, how }) {
      const text = 'q'.repeat(pad) + token;
      if (how === 'message') throw new Error(text);
      if (how === 'object') throw { body: text };
      return { get unreadable() { throw text; } };
    },
  }],
};
`;

const LEAK_WORKFLOW = `name: long-errors
secrets:
  TOKEN: { env: WEFT_TEST_TOKEN }
tasks:
  at_the_cut:
    uses: leak
    with: { token: '\${{ secrets.TOKEN }}', how: message, pad: ${64 * 1024 - 3} }
  across_the_cut:
    uses: leak
    with: { token: '\${{ secrets.TOKEN }}', how: message, pad: ${64 * 1024 - 12} }
  past_the_cut:
    uses: leak
    with: { token: '\${{ secrets.TOKEN }}', how: message, pad: 70000 }
  thrown_object:
    uses: leak
    with: { token: '\${{ secrets.TOKEN }}', how: object, pad: 190 }
  throwing_getter:
    uses: leak
    with: { token: '\${{ secrets.TOKEN }}', how: getter, pad: 190 }
`;

/** No piece of the token, and not even its first three characters right after the filler. */
function expectNoPiecesAtCuts(what: string, text: string): void {
  expectNoPieces(what, text);
  expect(text.includes(`q${TOKEN.slice(0, 3)}`), `${what} holds the start of the token after the filler`).toBe(false);
}

describe('a secret at the end of an error message too long to keep', () => {
  const dir = project('long-errors', LEAK_WORKFLOW);
  writeFileSync(join(dir, 'weft.config.mjs'), LEAK_CONFIG);
  const env = { WEFT_TEST_TOKEN: TOKEN, WEFT_STORE: undefined };

  it('is masked before the message is cut: not in the result, events or the store', async () => {
    const config = (await import(pathToFileURL(join(dir, 'weft.config.mjs')).href)) as { default: { executors: Executor[] } };
    process.env.WEFT_TEST_TOKEN = TOKEN;
    try {
      const engine = new WorkflowEngine({ executors: config.default.executors });
      const run = engine.start(await engine.loadFile(join(dir, 'leaky.yaml')), { workdir: dir });
      const events = recordEvents(run);
      const result = await run.result;
      const message = (task: string) => result.tasks[task]?.error?.message;
      expect(message('at_the_cut')).toBe(`${'q'.repeat(64 * 1024 - 3)}***`);
      expect(message('across_the_cut')).toBe(`${'q'.repeat(64 * 1024 - 12)}***`);
      expect(message('past_the_cut')).toBe(`${'q'.repeat(64 * 1024)}… (${70000 + 3 - 64 * 1024} more characters cut)`);
      expect(message('thrown_object')).toBe(`the executor threw { body: '${'q'.repeat(190)}***' } rather than an Error; throw an Error or a TaskError with a message`);
      expect(message('throwing_getter')).toContain(`reading it threw "${'q'.repeat(190)}***"`);
      expectNoPiecesAtCuts('events, result and store', JSON.stringify({ events: events.events, result, stored: engine.store.getRun(run.id) }));
    } finally {
      delete process.env.WEFT_TEST_TOKEN;
    }
  });

  it('is masked before the message is cut through the real CLI: its JSON, stderr, show and the store file', async () => {
    const run = await runCli(['run', 'leaky.yaml', '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(1);
    const { runId, tasks } = JSON.parse(run.stdout) as RunResult;
    expect(tasks.at_the_cut?.error?.message.endsWith('q***')).toBe(true);
    expectNoPiecesAtCuts('weft run --json and its stderr', run.stdout + run.stderr);
    const show = await runCli(['show', runId, '--json'], { cwd: dir, env });
    expect(show.code, show.stderr).toBe(0);
    expectNoPiecesAtCuts('weft show --json', show.stdout + show.stderr);
    expectNoPiecesAtCuts('the .weft/weft.db files', storeBytes(dir));
  }, 60_000);
});
