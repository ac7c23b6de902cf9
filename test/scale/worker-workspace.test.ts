/**
 * Which folders a task on a worker may use is the worker machine's business: its
 * own `--config` `workspaceRoots` apply, never anything in the job.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, waitForStderr } from '../e2e/cli-process.js';
import { coordinator } from './helpers/cluster.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();

function tempDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  redis.defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function worker(config: string): Promise<void> {
  const { child, done } = startCli(['worker', '--redis', redis.url, '--config', config, '--executors', 'shell']);
  redis.defer(async () => {
    child.kill('SIGKILL');
    await done;
  });
  await waitForStderr(child, 'listening on');
}

async function runPwdIn(folder: string) {
  const { engine, dispatcher } = await coordinator(redis.url);
  redis.defer(() => dispatcher.close());
  return engine.run(engine.parse(`name: where\ntasks:\n  pwd:\n    uses: shell\n    with: { run: pwd, cwd: ${JSON.stringify(folder)} }\n`));
}

describe('weft worker and workspaceRoots', () => {
  it("lets a task use a folder the worker's own config lists", async () => {
    const allowed = tempDir('weft-worker-root-');
    const config = path.join(tempDir('weft-worker-config-'), 'weft.config.mjs');
    writeFileSync(config, `export default { workspaceRoots: [${JSON.stringify(allowed)}] };\n`);
    await worker(config);
    const result = await runPwdIn(allowed);
    expect(result.tasks.pwd, JSON.stringify(result.tasks.pwd)).toMatchObject({ status: 'succeeded' });
    expect((result.tasks.pwd?.outputs as { stdout: string }).stdout.trim()).toBe(allowed);
  });

  it('refuses the same folder on a worker whose config does not list it', async () => {
    const outside = tempDir('weft-worker-outside-');
    const config = path.join(tempDir('weft-worker-config-'), 'weft.config.mjs');
    writeFileSync(config, 'export default {};\n');
    await worker(config);
    const result = await runPwdIn(outside);
    expect(result.tasks.pwd).toMatchObject({ status: 'failed', error: { code: 'PATH_OUTSIDE_WORKSPACE' } });
    expect(result.tasks.pwd?.error?.message).toContain(outside);
  });
});
