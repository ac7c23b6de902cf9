import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TaskError, UsageError } from '../../src/engine/errors.js';
import { isSealed, openValue, PayloadCodec, sealValue } from '../../src/scale/payload-codec.js';

const key = randomBytes(32);
const codec = PayloadCodec.fromText(key.toString('base64'))!;
const secret = 'tok-9f8e7d6c5b4a/3+2=1';

function unreadable(run: () => unknown): TaskError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).code).toBe('PAYLOAD_UNREADABLE');
    expect((error as TaskError).retryable).toBe(false);
    return error as TaskError;
  }
  throw new Error('expected PAYLOAD_UNREADABLE');
}

describe('queue keys', () => {
  it('are 32 bytes as hex, base64 or URL-safe base64, all naming the same key', () => {
    const forms = [key.toString('hex'), key.toString('base64'), key.toString('base64url'), key.toString('base64').replace(/=$/, '')];
    const ids = forms.map((text) => PayloadCodec.fromText(text)!.keyId);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}$/);
    expect(PayloadCodec.fromText(undefined)).toBeUndefined();
    expect(PayloadCodec.fromText('  ')).toBeUndefined();
  });

  it('refuse anything else with a usage error that says how to make one, never echoing the text', () => {
    for (const bad of ['hunter2', randomBytes(16).toString('base64'), randomBytes(33).toString('hex'), 'z'.repeat(44), `${key.toString('hex')},short`]) {
      let error: unknown;
      try {
        PayloadCodec.fromText(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/WEFT_QUEUE_KEY.*32 random bytes.*openssl rand -base64 32/);
      expect((error as Error).message).not.toContain(bad);
    }
  });
});

describe('sealed payloads', () => {
  it('round-trip, and hold nothing of the plaintext in any form', () => {
    const value = { input: { token: secret }, env: { TOKEN: secret } };
    const sealed = sealValue(codec, value, 'data:r.t.1');
    expect(isSealed(sealed)).toBe(true);
    const text = JSON.stringify(sealed);
    for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), 'token']) expect(text).not.toContain(form);
    expect(openValue(codec, sealed, 'data:r.t.1')).toEqual(value);
    // The same value sealed twice differs (a fresh IV each time).
    expect(JSON.stringify(sealValue(codec, value, 'data:r.t.1'))).not.toBe(text);
  });

  it('pass through untouched without a key, and plain values open as they are', () => {
    const value = { input: 1 };
    expect(sealValue(undefined, value, 'data:x.y.1')).toBe(value);
    expect(openValue(codec, value, 'data:x.y.1')).toBe(value);
  });

  it('cannot be moved to another job or read as another part', () => {
    const sealed = sealValue(codec, { ok: true }, 'result:run.a.1');
    expect(unreadable(() => openValue(codec, sealed, 'result:run.b.1')).message).toMatch(/result of job run\.b\.1 did not decrypt .* altered in Redis, or copied from another job/);
    unreadable(() => openValue(codec, sealed, 'data:run.a.1'));
  });

  it('detect tampering', () => {
    const sealed = codec.seal('{"ok":true}', 'result:j.1');
    const data = Buffer.from(sealed.data, 'base64');
    data[0]! ^= 1;
    unreadable(() => codec.open({ ...sealed, data: data.toString('base64') }, 'result:j.1'));
  });

  it('say which key sealed them when this process lacks it, or has none', () => {
    const other = PayloadCodec.fromText(randomBytes(32).toString('hex'))!;
    const sealed = sealValue(codec, { x: 1 }, 'data:j.1');
    expect(unreadable(() => openValue(other, sealed, 'data:j.1')).message).toContain(`encrypted with queue key ${codec.keyId}, and this process has key ${other.keyId}`);
    expect(unreadable(() => openValue(undefined, sealed, 'data:j.1')).message).toMatch(/this process has no WEFT_QUEUE_KEY/);
  });

  it('open with an older key while keys rotate: NEW,OLD seals with NEW and opens both', () => {
    const fresh = randomBytes(32).toString('base64');
    const rotating = PayloadCodec.fromText(`${fresh}, ${key.toString('base64')}`)!;
    expect(openValue(rotating, sealValue(codec, { old: true }, 'data:j.1'), 'data:j.1')).toEqual({ old: true });
    const sealed = sealValue(rotating, { fresh: true }, 'data:j.2');
    expect((sealed as { kid: string }).kid).toBe(PayloadCodec.fromText(fresh)!.keyId);
    unreadable(() => openValue(codec, sealed, 'data:j.2'));
  });
});
