/** `weft worker` through the real CLI: what it says when it cannot start. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../e2e/cli-process.js';
import { CONFIG } from './helpers/cluster.js';

describe('weft worker', () => {
  it('needs a Redis URL', async () => {
    const missing = await runCli(['worker', '--config', CONFIG]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/weft worker needs --redis URL/);
    const wrong = await runCli(['worker', '--redis', 'http://127.0.0.1:6379', '--config', CONFIG]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--redis expects a redis:\/\/ or rediss:\/\/ URL, got "http:\/\/127.0.0.1:6379\/?"/);
  });

  it('refuses executors it does not have, naming those it has', async () => {
    const result = await runCli(['worker', '--redis', 'redis://127.0.0.1:1', '--config', CONFIG, '--executors', 'work,gpu']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/this worker has no executor "gpu"; it has shell, echo, .*work, chatty/);
  });

  it('refuses a WEFT_QUEUE_KEY that is not a key, before connecting', async () => {
    const result = await runCli(['worker', '--redis', 'redis://127.0.0.1:1', '--config', CONFIG], { env: { WEFT_QUEUE_KEY: 'correct horse battery staple' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/WEFT_QUEUE_KEY is not a queue key: it must be 32 random bytes .*openssl rand -base64 32/);
    expect(result.stderr).not.toContain('battery');
  });

  it('is listed in the help', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toMatch(/worker\s+run tasks queued in Redis/);
  });
});
