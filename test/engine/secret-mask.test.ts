import { describe, expect, it } from 'vitest';
import { TaskError } from '../../src/engine/errors.js';
import { CUT_MARK, SecretMask } from '../../src/engine/secret-mask.js';

const TOKEN = 'ghp_0123456789abcdef/+&=?x';
const KEY = ['-----BEGIN TEST KEY-----', 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY', 'WVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2', '-----END TEST KEY-----'].join('\n');

function forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const all = [value, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
  return [...all, ...value.split('\n')];
}

describe('SecretMask', () => {
  it('hides a value, its encodings and each of its lines, and leaves other text alone', () => {
    const mask = SecretMask.of([TOKEN, KEY])!;
    for (const form of [...forms(TOKEN), ...forms(KEY)]) expect(mask.text(`before ${form} after`)).toBe('before *** after');
    expect(mask.text('nothing secret here')).toBe('nothing secret here');
  });

  it('hides the start of a secret that a cut text ends with, in any form, and only in cut text', () => {
    const mask = SecretMask.of([TOKEN])!;
    const base64 = Buffer.from(TOKEN).toString('base64');
    for (const start of [TOKEN.slice(0, 1), TOKEN.slice(0, 12), TOKEN.slice(0, -1), base64.slice(0, 9)]) {
      expect(mask.text(`*** *** ${TOKEN} ${start}${CUT_MARK}`)).toBe(`*** *** *** ***${CUT_MARK}`);
      expect(mask.text(`ends with ${start}`)).toBe(`ends with ${start}`);
    }
    expect(mask.text(`nothing of it${CUT_MARK}`)).toBe(`nothing of it${CUT_MARK}`);
  });

  it('is undefined when there is nothing to hide', () => {
    expect(SecretMask.of([])).toBeUndefined();
    expect(SecretMask.of([''])).toBeUndefined();
  });

  it('hides a short value only as written', () => {
    const mask = SecretMask.of(['ab'])!;
    expect(mask.text('xaby YWI=')).toBe('x***y YWI=');
  });

  it('masks nested values and keys, returns clean values as they are, and survives cycles and deep nesting', () => {
    const mask = SecretMask.of([TOKEN])!;
    const clean = { a: [1, { b: 'x' }] };
    expect(mask.value(clean)).toBe(clean);
    const deep: Record<string, unknown> = { text: TOKEN };
    let node = deep;
    for (let i = 0; i < 50_000; i++) node = (node.next = { i }) as Record<string, unknown>;
    node.leaf = `x${TOKEN}x`;
    node.loop = deep;
    const masked = mask.value({ [TOKEN]: deep, list: [TOKEN] }) as Record<string, unknown>;
    expect(Object.keys(masked).sort()).toEqual(['***', 'list']);
    expect(masked.list).toEqual(['***']);
    let walked = masked['***'] as Record<string, unknown>;
    expect(walked.text).toBe('***');
    while (walked.next) walked = walked.next as Record<string, unknown>;
    expect(walked).toMatchObject({ leaf: 'x***x', loop: '[Circular]' });
    expect(deep.text).toBe(TOKEN);
  });

  it('masks an error message and details, keeping its code and retry settings', () => {
    const mask = SecretMask.of([TOKEN])!;
    const error = new TaskError('HTTP_401', `bad token ${TOKEN}`, { retryable: false, retryAfterMs: 5, details: { sent: TOKEN } });
    const masked = mask.error(error);
    expect(masked.toJSON()).toEqual({ code: 'HTTP_401', message: 'bad token ***', retryable: false, details: { sent: '***' } });
    expect(masked.retryAfterMs).toBe(5);
    expect(masked.stack).not.toContain(TOKEN);
    const clean = new TaskError('X', 'fine');
    expect(mask.error(clean)).toBe(clean);
  });
});
