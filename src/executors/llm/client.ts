/**
 * One JSON answer from a chat-completions endpoint. The model is asked for JSON
 * (`response_format: json_object`), and its answer is checked against a schema:
 * a model that answers badly is treated like a flaky service, with a retryable
 * `INVALID_OUTPUT`, while a request the server refuses (4xx) is not retried.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { ErrorCodes, TaskError } from '../../engine/errors.js';
import type { JsonSchema } from '../../engine/executor.js';
import { retryDelayMs, waitTooLong } from '../github/rate-limit.js';
import { redact } from '../github/secrets.js';
import type { LlmConfig } from './config.js';

export const LlmErrorCodes = {
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'LLM_UNAVAILABLE',
  REJECTED: 'LLM_REJECTED',
} as const;

export interface ChatRequest {
  config: LlmConfig;
  /** The instructions. */
  system: string;
  /** The material (untrusted text goes here, as data, never into `system`). */
  user: string;
  /** What the answer must match. */
  schema: JsonSchema;
  signal: AbortSignal;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new WeakMap<JsonSchema, ValidateFunction>();
const BODY_EXCERPT_CHARS = 300;
/** The most of a response body read: a chat answer is kilobytes, and an endpoint streaming garbage must not fill memory. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Posts the chat, and gives the model's answer parsed and checked against `schema`. */
export async function chatJson<T>(request: ChatRequest): Promise<T> {
  const content = await complete(request);
  const answer = parseAnswer(content);
  const validate = validatorFor(request.schema);
  if (!validate(answer)) {
    throw invalidOutput(`its JSON does not match the expected shape: ${ajv.errorsText(validate.errors)}`);
  }
  return answer as T;
}

async function complete(request: ChatRequest): Promise<string> {
  const { config, signal } = request;
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const body = JSON.stringify({
    model: config.model,
    temperature: config.temperature,
    response_format: { type: 'json_object' },
    messages: [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ],
  });
  try {
    const response = await fetch(config.endpoint, { method: 'POST', headers, body, signal: AbortSignal.any([signal, timeout]) });
    const text = await readBody(response, config);
    if (!response.ok) throw httpFailure(response, text, config);
    return contentOf(text);
  } catch (error) {
    if (signal.aborted) throw signal.reason instanceof TaskError ? signal.reason : new TaskError(ErrorCodes.CANCELLED, 'cancelled');
    if (timeout.aborted) {
      throw new TaskError(ErrorCodes.TIMEOUT, `the model at ${config.endpoint} did not answer within ${config.timeoutMs} ms`, {
        retryable: true,
      });
    }
    if (error instanceof TaskError) throw error;
    const reason = redact(error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error), [config.apiKey]);
    throw new TaskError(LlmErrorCodes.UNAVAILABLE, `could not reach the model at ${config.endpoint}: ${reason}`, { retryable: true });
  }
}

function httpFailure(response: Response, text: string, config: LlmConfig): TaskError {
  const status = response.status;
  const excerpt = redact(text.slice(0, BODY_EXCERPT_CHARS), [config.apiKey]).trim();
  const said = `the model endpoint ${config.endpoint} answered ${status}${excerpt ? `: ${excerpt}` : ''}`;
  const retryAfterMs = retryDelayMs(response.headers);
  const tooLong = status === 429 || status >= 500 ? waitTooLong(`the model endpoint ${config.endpoint}`, response.headers) : undefined;
  if (tooLong) return new TaskError(LlmErrorCodes.RATE_LIMITED, `${said}. ${tooLong}.`, { retryable: false, details: { status } });
  if (status === 429) {
    return new TaskError(LlmErrorCodes.RATE_LIMITED, `${said}. Rate limited; the task will be retried.`, { retryable: true, retryAfterMs, details: { status } });
  }
  if (status >= 500 || status === 408) {
    return new TaskError(LlmErrorCodes.UNAVAILABLE, `${said}. This is usually temporary; the task will be retried.`, {
      retryable: true,
      retryAfterMs,
      details: { status },
    });
  }
  const hint = status === 401 || status === 403 ? ' Check the API key (WEFT_LLM_API_KEY, or the variable llm.apiKeyEnv names).' : ' Check llm.baseUrl and llm.model.';
  return new TaskError(LlmErrorCodes.REJECTED, `${said}.${hint}`, { retryable: false, details: { status } });
}

/** The body as text, refusing more than MAX_RESPONSE_BYTES (and cancelling the rest of it). */
async function readBody(response: Response, config: LlmConfig): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new TaskError(LlmErrorCodes.UNAVAILABLE, `the model endpoint ${config.endpoint} sent more than ${MAX_RESPONSE_BYTES} bytes without finishing its answer; a chat answer is far smaller, so the rest was not read`, {
        retryable: true,
        details: { status: response.status },
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `choices[0].message.content` of a chat-completions response. */
function contentOf(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidOutput('the response body is not JSON');
  }
  const content = (parsed as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw invalidOutput('the response has no choices[0].message.content');
  return content;
}

/** The answer's JSON, tolerating the ```json fences some models add despite JSON mode. */
function parseAnswer(content: string): unknown {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content);
  try {
    return JSON.parse(fenced ? (fenced[1] as string) : content);
  } catch {
    throw invalidOutput(`its answer is not JSON (it starts "${content.trim().slice(0, 60)}")`);
  }
}

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

function invalidOutput(problem: string): TaskError {
  return new TaskError(ErrorCodes.INVALID_OUTPUT, `the model gave an unusable answer: ${problem}. The task will be retried.`, {
    retryable: true,
  });
}
