/**
 * Where the model lives: any OpenAI-compatible chat-completions endpoint. Settings
 * come from the task's `llm` input, else from the environment, so a workflow can
 * stay the same between a laptop (a local server) and CI (a hosted one).
 */
import { ErrorCodes, TaskError } from '../../engine/errors.js';

export interface LlmInput {
  /** e.g. `http://localhost:11434/v1`; `/chat/completions` is added. Env: WEFT_LLM_BASE_URL, OPENAI_BASE_URL. */
  baseUrl?: string;
  /** Env: WEFT_LLM_MODEL. */
  model?: string;
  /** The environment variable holding the API key. @default WEFT_LLM_API_KEY, then OPENAI_API_KEY */
  apiKeyEnv?: string;
  /** Per request. @default 60000 */
  timeoutMs?: number;
  /** @default 0 */
  temperature?: number;
}

export interface LlmConfig {
  endpoint: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  temperature: number;
}

export const DEFAULT_LLM_TIMEOUT_MS = 60_000;

/** Resolves `input` against the task's env and then the process's; throws `INVALID_INPUT` when no endpoint or model is set. */
export function resolveLlmConfig(input: LlmInput | undefined, env: Record<string, string | undefined>): LlmConfig {
  const read = (name: string): string | undefined => env[name] || process.env[name] || undefined;
  const baseUrl = input?.baseUrl ?? read('WEFT_LLM_BASE_URL') ?? read('OPENAI_BASE_URL');
  const model = input?.model ?? read('WEFT_LLM_MODEL');
  if (!baseUrl || !model) {
    const missing = [baseUrl ? '' : 'an endpoint (llm.baseUrl or WEFT_LLM_BASE_URL)', model ? '' : 'a model (llm.model or WEFT_LLM_MODEL)'];
    throw new TaskError(
      ErrorCodes.INVALID_INPUT,
      `the llm provider needs ${missing.filter(Boolean).join(' and ')}. Set them, or use the offline provider.`,
      { retryable: false },
    );
  }
  const apiKey = input?.apiKeyEnv ? read(input.apiKeyEnv) : read('WEFT_LLM_API_KEY') ?? read('OPENAI_API_KEY');
  return {
    endpoint: `${baseUrl.replace(/\/+$/, '')}/chat/completions`,
    model,
    apiKey,
    timeoutMs: input?.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS,
    temperature: input?.temperature ?? 0,
  };
}

/**
 * The model endpoint an attempt would call, as a circuit-breaker key (its origin),
 * or undefined when none is configured: the attempt then fails on its own input.
 */
export function llmCircuitKey(input: LlmInput | undefined, env: Record<string, string | undefined>): string | undefined {
  try {
    return new URL(resolveLlmConfig(input, env).endpoint).origin;
  } catch {
    return undefined;
  }
}
