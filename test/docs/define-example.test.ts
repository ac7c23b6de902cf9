/**
 * The `engine.define` example in docs/api.md is TypeScript, not a workflow file, so
 * the docs test cannot hold it to a file under workflows/: this runs it as written,
 * in its own process, with `weft` pointing at this checkout.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/cli-process.js';

const run = promisify(execFile);

/** The first ```ts block after the heading. */
function exampleUnder(markdown: string, heading: string): string {
  const section = markdown.slice(markdown.indexOf(heading));
  const match = /^```ts\n([\s\S]*?)^```$/m.exec(section);
  if (!match) throw new Error(`no ts block under ${heading}`);
  return match[1]!;
}

describe('docs/api.md, workflows built in code', () => {
  // Inside the checkout, so the example's imports resolve against its node_modules.
  const dir = mkdtempSync(join(REPO_ROOT, 'test', 'docs', '.example-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs as written and prints what its comment says', async () => {
    const code = exampleUnder(readFileSync(join(REPO_ROOT, 'docs/api.md'), 'utf8'), '## Workflows built in code');
    const expected = /console\.log\(.*\); \/\/ (.+)$/m.exec(code)?.[1];
    const file = join(dir, 'example.mts');
    writeFileSync(file, code.replace("from 'weft'", `from ${JSON.stringify(join(REPO_ROOT, 'src/index.ts'))}`));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: REPO_ROOT, timeout: 60_000 });
    expect(expected).toBe('3');
    expect(stdout.trim()).toBe(expected);
  }, 90_000);
});
