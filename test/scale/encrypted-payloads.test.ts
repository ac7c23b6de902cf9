/**
 * Secrets never sit in Redis in the clear: with WEFT_QUEUE_KEY on the coordinator
 * and the `weft worker` processes, a run that hands a secret to its tasks (in their
 * input, their environment, their log, their outputs inline and by reference)
 * leaves no trace of it in any key of a real redis-server, nor in any message
 * published through it. A worker with another key, or none, fails the attempt
 * with PAYLOAD_UNREADABLE, once; a run with secrets and no key is refused before
 * anything is queued.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeftError } from '../../src/index.js';
import { runCli } from '../e2e/cli-process.js';
import { CONFIG, queueEngine, startWorkers, type WorkerProcess } from './helpers/cluster.js';
import { dumpRedis, type RedisEntry } from './helpers/redis-dump.js';
import { useRedis } from './helpers/use-redis.js';

const redis = useRedis();
const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('hex');
const SECRET_VARIABLE = 'WEFT_TEST_QUEUE_SECRET';
const SECRET = `h3 s3cret/${randomBytes(6).toString('hex')}+with=symbols&more`;
/** The secret as written, base64 (standard and URL-safe) and URL-encoded. */
const FORMS = [SECRET, Buffer.from(SECRET).toString('base64'), Buffer.from(SECRET).toString('base64url'), encodeURIComponent(SECRET)];

const WITH_SECRETS = `
name: sealed
secrets:
  TOKEN: { env: ${SECRET_VARIABLE} }
tasks:
  say:
    uses: echo
    retry: { maxAttempts: 3 }
    with: { token: "\${{ secrets.TOKEN }}" }
  shout:
    run: for i in $(seq 1 600); do echo "line $i \${{ secrets.TOKEN }}"; done
`;

beforeEach(() => {
  process.env[SECRET_VARIABLE] = SECRET;
});
afterEach(async () => {
  delete process.env[SECRET_VARIABLE];
  await redis.server.client().flushall();
});

const workers = (count: number, key: string | undefined, extra: string[] = []): Promise<WorkerProcess[]> => startWorkers(redis, count, extra, { WEFT_QUEUE_KEY: key });

const queueCoordinator = (queueKey: string | undefined) => queueEngine(redis, { queueKey });

/** Every string in Redis and every message published, with any form of the secret in them. */
function leaks(entries: RedisEntry[], messages: string[]): string[] {
  const texts = [...entries.flatMap((entry) => entry.strings.map((text) => `${entry.key}: ${text}`)), ...messages.map((text) => `published: ${text}`)];
  return texts.filter((text) => FORMS.some((form) => text.includes(form))).map((text) => text.slice(0, 200));
}

/** Listens to every channel, as anyone with access to Redis could. */
async function eavesdrop(): Promise<string[]> {
  const heard: string[] = [];
  const spy = redis.server.client();
  spy.on('pmessage', (_pattern: string, channel: string, message: string) => heard.push(`${channel} ${message}`));
  await spy.psubscribe('*');
  return heard;
}

describe('job payloads in Redis', () => {
  it('hold no form of a secret anywhere in Redis, with a queue key on both sides', async () => {
    await workers(2, KEY, ['--concurrency', '2']);
    const engine = await queueCoordinator(KEY);
    const heard = await eavesdrop();

    const result = await engine.run(engine.parse(WITH_SECRETS));

    // The secret reached the tasks (and was masked on the way out, as in-process).
    expect(result.status, JSON.stringify(result.tasks)).toBe('succeeded');
    expect(result.tasks.say?.outputs).toEqual({ token: '***' });
    expect((result.tasks.shout?.outputs as { stdout: string }).stdout).toContain('line 600 ***');

    const entries = await dumpRedis(redis.server.client());
    const jobs = entries.filter((entry) => entry.type === 'hash' && entry.strings.includes('data'));
    expect(jobs.map((job) => job.key).sort()).toEqual([expect.stringMatching(/^bull:weft-echo:.*\.say\.1$/), expect.stringMatching(/^bull:weft-shell:.*\.shout\.1$/)]);
    for (const job of jobs) expect(job.strings.join('\n')).toContain('"sealed":"aes-256-gcm"');
    // shout's stdout (600 lines with the secret) was over 16 KiB: it came back by reference.
    expect(entries.filter((entry) => entry.key.startsWith('weft:output:')).map((entry) => entry.key)).toEqual([expect.stringMatching(/\.shout\.1$/)]);
    expect(heard.length).toBeGreaterThan(600);
    expect(leaks(entries, heard)).toEqual([]);
  });

  it('mask what an executor throws on the worker before it is cut to size', async () => {
    await workers(1, KEY, ['--executors', 'thrower']);
    const engine = await queueCoordinator(KEY);
    const result = await engine.run(engine.parse('name: thrown\nsecrets:\n  TOKEN: { env: ' + SECRET_VARIABLE + ' }\ntasks:\n  throw: { uses: thrower, with: { token: "${{ secrets.TOKEN }}" } }\n'));
    const message = result.tasks.throw?.error?.message ?? '';
    expect(message).toContain(`${'q'.repeat(190)}***`);
    const pieces = Array.from({ length: SECRET.length - 9 }, (_, i) => SECRET.slice(i, i + 10));
    expect(pieces.filter((piece) => JSON.stringify(result).includes(piece))).toEqual([]);
  });

  it('are sealed whenever a key is set, secrets or not', async () => {
    await workers(1, KEY, ['--executors', 'echo']);
    const engine = await queueCoordinator(KEY);
    const result = await engine.run(engine.parse('name: plain\ntasks:\n  hello: { uses: echo, with: { note: public-but-sealed } }'));
    expect(result.tasks.hello).toMatchObject({ status: 'succeeded', outputs: { note: 'public-but-sealed' } });
    const text = (await dumpRedis(redis.server.client())).flatMap((entry) => entry.strings).join('\n');
    expect(text).toContain('"sealed":"aes-256-gcm"');
    expect(text).not.toContain('public-but-sealed');
  });
});

describe('a worker that cannot decrypt', () => {
  it('with another key fails the attempt with PAYLOAD_UNREADABLE, once, and carries on', async () => {
    const [worker] = await workers(1, OTHER_KEY, ['--executors', 'echo']);
    const engine = await queueCoordinator(KEY);
    const result = await engine.run(engine.parse(WITH_SECRETS.replace(/ {2}shout:[^]*$/, '')));
    expect(result.tasks.say).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'PAYLOAD_UNREADABLE', retryable: false } });
    expect(result.tasks.say?.error?.message).toMatch(/data of job .*\.say\.1 was encrypted with queue key [0-9a-f]{8}, and this process has key [0-9a-f]{8}; give the coordinator and every worker the same WEFT_QUEUE_KEY/);
    expect(worker!.child.exitCode).toBeNull();
    const { stderr } = await worker!.stop('SIGTERM');
    expect(stderr).toMatch(/cannot run job .*\.say\.1: the data of job/);
  });

  it('without a key says to set WEFT_QUEUE_KEY', async () => {
    await workers(1, undefined, ['--executors', 'echo']);
    const engine = await queueCoordinator(KEY);
    const result = await engine.run(engine.parse('name: keyless\ntasks:\n  hello: { uses: echo, with: { a: 1 } }'));
    expect(result.tasks.hello).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'PAYLOAD_UNREADABLE' } });
    expect(result.tasks.hello?.error?.message).toMatch(/this process has no WEFT_QUEUE_KEY; set it to the coordinator's key on every worker/);
  });
});

describe('a run with secrets and no queue key', () => {
  it('is refused before it starts, and nothing reaches Redis', async () => {
    const engine = await queueCoordinator(undefined);
    const workflow = engine.parse(WITH_SECRETS);
    let refused: unknown;
    try {
      engine.start(workflow, { runId: 'refused-run' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(WeftError);
    expect(refused).toMatchObject({ code: 'QUEUE_KEY_REQUIRED' });
    expect((refused as Error).message).toMatch(/this run has secrets, and without a queue key they would sit in Redis in the clear\. Set WEFT_QUEUE_KEY/);
    expect(engine.runs.get('refused-run')).toBeUndefined();
    const keys = (await dumpRedis(redis.server.client())).map((entry) => entry.key);
    expect(keys.filter((key) => key.includes('refused-run'))).toEqual([]);
  });

  it('fails `weft run --redis` with the same advice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-sealed-'));
    redis.defer(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'sealed.yaml');
    writeFileSync(file, WITH_SECRETS);
    const run = await runCli(['run', file, '--redis', redis.url, '--config', CONFIG, '--store', path.join(dir, 'weft.db')], {
      env: { [SECRET_VARIABLE]: SECRET, WEFT_QUEUE_KEY: undefined },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/this run has secrets, and without a queue key they would sit in Redis in the clear/);
    expect(run.stderr).toMatch(/Set WEFT_QUEUE_KEY to 32 random bytes/);
    expect(existsSync(path.join(dir, 'weft.db'))).toBe(false);
    expect(run.stderr + run.stdout).not.toContain(SECRET);
  });
});
