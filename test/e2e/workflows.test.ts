/**
 * Every example in workflows/ runs through the real CLI and does what its
 * description says. A new example needs an entry here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult, RunStatus, TaskStatus } from '../../src/engine/types.js';
import { REPO_ROOT, runCli } from './cli-process.js';

interface Expectation {
  args?: string[];
  exitCode: number;
  status: RunStatus;
  outputs?: Record<string, unknown>;
  tasks?: Record<string, TaskStatus>;
  check?: (result: RunResult) => void;
}

const EXPECTED: Record<string, Expectation> = {
  'hello.yaml': { exitCode: 0, status: 'succeeded', outputs: { greeting: 'hello, world' } },
  'diamond.yaml': {
    exitCode: 0,
    status: 'succeeded',
    outputs: { artifact: 'weft-1.4.2.tgz' },
    tasks: { version: 'succeeded', test: 'succeeded', lint: 'succeeded', package: 'succeeded' },
  },
  'fan-out.yaml': {
    exitCode: 0,
    status: 'succeeded',
    outputs: {
      built: ['built core (0)', 'built cli (1)', 'built docs (2)'],
      summary: 'built core (0), built cli (1), built docs (2)',
    },
    tasks: { 'build[0]': 'succeeded', 'build[2]': 'succeeded', bundle: 'succeeded' },
  },
  'retries.yaml': {
    exitCode: 0,
    status: 'succeeded',
    outputs: { attempts: '3' },
    check: (result) => expect(result.tasks.flaky?.attempts).toBe(3),
  },
  'resources.yaml': {
    exitCode: 0,
    status: 'succeeded',
    outputs: { models: ['small', 'medium', 'large'] },
  },
  'failure-handling.yaml': {
    exitCode: 1,
    status: 'failed',
    outputs: { deploy: 'upstream_failed', notified: 'succeeded' },
    tasks: {
      lint: 'failed',
      test: 'failed',
      docs: 'succeeded',
      deploy: 'upstream_failed',
      notify: 'succeeded',
      cleanup: 'succeeded',
      'publish-docs': 'succeeded',
    },
  },
  'issue-to-pr.yaml': {
    // Read-only: a security report is handed to a human before anything is changed.
    // The full flow, with a real repository, is test/workflows/issue-to-pr.test.ts.
    // weft's checkout lies outside workflows/, the workdir: the config lists it as a workspace root.
    args: ['--input', 'issue=../examples/issue-to-pr/security-issue.json', '--input', 'repo=..', '--config', 'test/e2e/fixtures/weft-checkout.config.mjs'],
    exitCode: 0,
    status: 'succeeded',
    tasks: { analyze: 'succeeded', resolve: 'skipped', open_pr: 'skipped', escalate: 'succeeded' },
    check: (result) => expect(result.outputs).toMatchObject({ outcome: 'needs-human', category: 'security' }),
  },
  'secrets.yaml': {
    // The token comes from workflows/fixtures/demo-token.txt; its value never comes back out.
    exitCode: 0,
    status: 'succeeded',
    outputs: { fingerprint: 'b81fc5d1c6b1', said: 'calling the API with ***' },
    check: (result) => expect(JSON.stringify(result)).not.toContain('weft-demo-token'),
  },
  'inputs.yaml': {
    args: ['--input', 'name=Ada', '--input', 'shout=true', '--input', 'count=3'],
    exitCode: 0,
    status: 'succeeded',
    outputs: { message: 'Hello, Ada!', repeat: 3, shouted: 'HELLO, ADA!' },
  },
};

const files = readdirSync(join(REPO_ROOT, 'workflows')).filter((f) => f.endsWith('.yaml'));

describe('workflows/', () => {
  it('has an expectation for every example and an example for every expectation', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s starts with the schema comment', (file) => {
    const first = readFileSync(join(REPO_ROOT, 'workflows', file), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=../schemas/workflow.schema.json');
  });

  it.each(files)('weft run %s', async (file) => {
    const expected = EXPECTED[file];
    if (!expected) throw new Error(`no expectation for workflows/${file}; add one to EXPECTED`);
    const { code, stdout, stderr } = await runCli(['run', `workflows/${file}`, '--json', ...(expected.args ?? [])]);
    expect(code, stderr).toBe(expected.exitCode);
    const result = JSON.parse(stdout) as RunResult;
    expect(result.status).toBe(expected.status);
    if (expected.outputs) expect(result.outputs).toEqual(expected.outputs);
    for (const [id, status] of Object.entries(expected.tasks ?? {})) expect(result.tasks[id]?.status, id).toBe(status);
    expected.check?.(result);
  });
});
