import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskError } from '../../../src/engine/errors.js';
import { chatJson } from '../../../src/executors/llm/client.js';
import { resolveLlmConfig } from '../../../src/executors/llm/config.js';
import { startLlmServer, type LlmStandIn } from '../../helpers/llm-server.js';

const KEY = 'sk-standin-0123456789abcdefghijklmnopqrstuv';
const schema = { type: 'object', required: ['answer'], properties: { answer: { type: 'integer' } } };

let llm: LlmStandIn;
beforeEach(async () => {
  llm = await startLlmServer({ apiKey: KEY });
});
afterEach(() => llm.close());

function ask(options: { signal?: AbortSignal; timeoutMs?: number } = {}) {
  const config = resolveLlmConfig({ baseUrl: llm.url, model: 'tiny', timeoutMs: options.timeoutMs }, { WEFT_LLM_API_KEY: KEY });
  return chatJson<{ answer: number }>({ config, system: 'Answer in JSON.', user: '{"q":"6*7"}', schema, signal: options.signal ?? new AbortController().signal });
}

async function failure(promise: Promise<unknown>): Promise<TaskError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskError);
  expect((error as Error).message).not.toContain(KEY);
  return error as TaskError;
}

describe('chatJson', () => {
  it('posts a JSON-mode chat with the bearer key and gives the checked answer', async () => {
    llm.answer({ answer: 42 });
    expect(await ask()).toEqual({ answer: 42 });
    const [request] = llm.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toMatchObject({
      model: 'tiny',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: '{"q":"6*7"}' },
      ],
    });
  });

  it('accepts an answer wrapped in a ```json fence', async () => {
    llm.answer('```json\n{"answer": 1}\n```');
    expect(await ask()).toEqual({ answer: 1 });
  });

  it('makes prose and answers of the wrong shape a retryable INVALID_OUTPUT', async () => {
    llm.answer('Sure! The answer is 42.', { answer: 'forty-two' });
    const prose = await failure(ask());
    expect(prose).toMatchObject({ code: 'INVALID_OUTPUT', retryable: true });
    expect(prose.message).toContain('not JSON');
    const shape = await failure(ask());
    expect(shape).toMatchObject({ code: 'INVALID_OUTPUT', retryable: true });
    expect(shape.message).toContain('answer');
  });

  it('makes 429 retryable after retry-after, and 5xx retryable', async () => {
    llm.answer({ status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'Rate limit reached', type: 'requests' } } });
    expect(await failure(ask())).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 2000 });
    llm.script({ path: /completions/ }, { status: 503, body: { error: { message: 'overloaded' } } });
    expect(await failure(ask())).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
  });

  it('does not retry a request the server refuses', async () => {
    llm.answer({ status: 400, body: { error: { message: "model 'tiny' does not exist", type: 'invalid_request_error' } } });
    const error = await failure(ask());
    expect(error).toMatchObject({ code: 'LLM_REJECTED', retryable: false });
    expect(error.message).toContain('does not exist');
  });

  it('never shows the key, even when the server echoes it', async () => {
    llm.answer({ status: 401, body: `invalid key ${KEY}` });
    const error = await failure(ask());
    expect(error).toMatchObject({ code: 'LLM_REJECTED', retryable: false });
    expect(error.message).toContain('***');
  });

  it('gives up on a hung endpoint with a retryable TIMEOUT', async () => {
    llm.script({ path: /completions/ }, 'hang');
    expect(await failure(ask({ timeoutMs: 300 }))).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it("stops with the task's own reason when its signal aborts", async () => {
    llm.script({ path: /completions/ }, 'hang');
    const controller = new AbortController();
    const reason = new TaskError('TIMEOUT', 'task timed out');
    setTimeout(() => controller.abort(reason), 100);
    expect(await ask({ signal: controller.signal }).catch((e: unknown) => e)).toBe(reason);
  });

  it('refuses to run without an endpoint and model, saying how to set them', () => {
    expect(() => resolveLlmConfig(undefined, {})).toThrow(/WEFT_LLM_BASE_URL.*WEFT_LLM_MODEL/);
  });
});
