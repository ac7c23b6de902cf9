/**
 * Encryption of what weft puts in Redis, like Temporal's payload codec: a job's
 * input, environment and approval, its result, its log lines and its outputs
 * stored by reference travel as AES-256-GCM envelopes, so task data, and the
 * run's secrets in it, never sit in Redis (or pass through it) in the clear.
 *
 * The coordinator and every worker share a 32-byte key (`WEFT_QUEUE_KEY`, base64
 * or hex). Each envelope names its key by an id, so keys can be rotated: with
 * `WEFT_QUEUE_KEY=NEW,OLD` new envelopes use NEW and those sealed with OLD still
 * open. Each envelope is also bound to its job and to what it holds (GCM's
 * associated data): one cannot be moved into another job, or read as another part.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TaskError, UsageError } from '../engine/errors.js';

/** Where the CLI reads the key, and the name errors use for it. */
export const QUEUE_KEY_VARIABLE = 'WEFT_QUEUE_KEY';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** An encrypted value as it sits in Redis. Binary parts are base64. */
export interface Sealed {
  sealed: typeof ALGORITHM;
  /** Which key sealed it: the first 8 hex digits of a hash of the key, never the key. */
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/** Codes of the failures encryption adds. */
export const CodecErrorCodes = {
  /** A worker was given something it cannot decrypt: no key, another key, or altered data. */
  PAYLOAD_UNREADABLE: 'PAYLOAD_UNREADABLE',
  /** A run with secrets, and no key to keep them out of Redis. */
  QUEUE_KEY_REQUIRED: 'QUEUE_KEY_REQUIRED',
} as const;

export function isSealed(value: unknown): value is Sealed {
  return typeof value === 'object' && value !== null && (value as { sealed?: unknown }).sealed === ALGORITHM;
}

export class PayloadCodec {
  /** The id of the key new envelopes are sealed with. */
  readonly keyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  private constructor(keys: Buffer[]) {
    this.keys = new Map(keys.map((key) => [keyIdOf(key), key]));
    this.keyId = keyIdOf(keys[0]!);
  }

  /**
   * `KEY` or `NEW,OLD,…`: each 32 bytes written as 64 hex digits or base64 (standard
   * or URL-safe). Undefined or blank means no encryption. Anything else is a usage
   * error that says how to make a key, and never repeats the text it was given.
   */
  static fromText(text: string | undefined, source = QUEUE_KEY_VARIABLE): PayloadCodec | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    const keys = text.split(',').map((part, index) => parseKey(part.trim(), index, source));
    return new PayloadCodec(keys);
  }

  /** `context` binds the envelope to its job and part (`data:<jobId>`); open it with the same. */
  seal(plaintext: string, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.keyId)!, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { sealed: ALGORITHM, kid: this.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  /** The plaintext, or a PAYLOAD_UNREADABLE TaskError saying why not. */
  open(envelope: Sealed, context: string): string {
    const key = this.keys.get(envelope.kid);
    if (!key) {
      throw unreadable(
        `${describe(context)} was encrypted with queue key ${envelope.kid}, and this process has ${plural(this.keys.size, 'key')} ${[...this.keys.keys()].join(', ')}; ` +
          `give the coordinator and every worker the same ${QUEUE_KEY_VARIABLE} (while rotating, list the new key first and the old one after it)`,
      );
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(envelope.iv, 'base64'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw unreadable(`${describe(context)} did not decrypt with queue key ${envelope.kid}: it was altered in Redis, or copied from another job`);
    }
  }
}

/** Seals `value` as JSON when there is a codec; hands it back as it is otherwise. */
export function sealValue(codec: PayloadCodec | undefined, value: unknown, context: string): unknown {
  return codec ? codec.seal(JSON.stringify(value) ?? 'null', context) : value;
}

/** The value inside an envelope, or `value` itself when it was not sealed. */
export function openValue(codec: PayloadCodec | undefined, value: unknown, context: string): unknown {
  if (!isSealed(value)) return value;
  if (!codec) {
    throw unreadable(
      `${describe(context)} was encrypted with queue key ${value.kid}, and this process has no ${QUEUE_KEY_VARIABLE}; ` +
        'set it to the coordinator\'s key on every worker',
    );
  }
  return JSON.parse(codec.open(value, context)) as unknown;
}

function parseKey(text: string, index: number, source: string): Buffer {
  const which = index === 0 ? source : `key ${index + 1} of ${source}`;
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key?.length !== KEY_BYTES) {
    throw new UsageError(
      `${which} is not a queue key: it must be ${KEY_BYTES} random bytes written as 64 hex digits or 44 base64 characters ` +
        `(got ${text.length} characters). Make one with \`openssl rand -base64 32\` and give the same key to the coordinator and every worker`,
    );
  }
  return key;
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('weft queue key id\0').update(key).digest('hex').slice(0, 8);
}

function unreadable(message: string): TaskError {
  return new TaskError(CodecErrorCodes.PAYLOAD_UNREADABLE, message, { retryable: false });
}

/** `data:<jobId>` → `the data of job <jobId>`, for messages. */
function describe(context: string): string {
  const colon = context.indexOf(':');
  return colon === -1 ? context : `the ${context.slice(0, colon)} of job ${context.slice(colon + 1)}`;
}

function plural(count: number, word: string): string {
  return count === 1 ? `${word}` : `${word}s`;
}
