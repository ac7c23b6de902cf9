/**
 * A stand-in for an OpenAI-compatible `POST /v1/chat/completions`, answering with the
 * shapes of OpenAI's API reference. Tests queue the model's answers; each request
 * takes the next one (the last one repeats).
 */
import { startStandIn, type Reply, type StandIn } from './http-stand-in.js';

export interface LlmStandIn extends StandIn {
  /** The base URL to configure (`.../v1`). */
  url: string;
  /**
   * Answers for the next requests, in order: the assistant message's text, an object
   * (sent as its JSON), or a raw `{ status, headers, body }`. Use `script` for a hang.
   */
  answer(...answers: (string | object)[]): void;
}

export async function startLlmServer(options: { apiKey?: string } = {}): Promise<LlmStandIn> {
  const queue: (string | object)[] = [];
  let served = 0;
  const handle = (req: { method: string; path: string; headers: Record<string, unknown>; body: unknown }): Reply => {
    if (req.method !== 'POST' || req.path !== '/v1/chat/completions') return { status: 404, body: { error: { message: 'Unknown path', type: 'invalid_request_error' } } };
    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return { status: 401, body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } } };
    }
    const next = queue[Math.min(served++, queue.length - 1)] ?? '{}';
    if (typeof next === 'object' && 'status' in next && typeof next.status === 'number') return next as Reply;
    const content = typeof next === 'string' ? next : JSON.stringify(next);
    const model = (req.body as { model?: string } | undefined)?.model ?? 'stand-in';
    return {
      status: 200,
      body: {
        id: `chatcmpl-${served}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      },
    };
  };
  const standIn = await startStandIn((req) => handle(req as never));
  return {
    ...standIn,
    url: `${standIn.origin}/v1`,
    answer: (...answers) => {
      queue.push(...answers);
    },
  };
}
