/**
 * The no-op executor: its outputs are its `with` values. It is what the scheduler
 * benchmarks run 100,000 times, so `execute` must do nothing but hand its input back.
 */
import { defineExecutor } from '../../engine/executor.js';
import { loadSchema } from '../load-schema.js';

export type EchoValues = Record<string, unknown>;

export const echoExecutor = defineExecutor<EchoValues, EchoValues>({
  name: 'echo',
  description: 'Returns its `with` values, unchanged, as its outputs.',
  inputSchema: loadSchema('echo.input.json'),
  outputSchema: loadSchema('echo.output.json'),
  execute: (input) => input,
});
