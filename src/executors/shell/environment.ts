/**
 * The environment a script starts with: the process's, the task's, then the input's,
 * then weft's own variables. Names and values are checked first: a name holding `=`
 * would set a different variable than the one it claims, and a NUL cannot be passed
 * to a process at all.
 */
import { ErrorCodes, TaskError } from '../../engine/errors.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The process's own environment, inherited as it is, under the layers weft adds,
 * merged in order, later over earlier. Throws INVALID_INPUT for a bad name or value.
 */
export function scriptEnvironment(inherited: NodeJS.ProcessEnv, ...layers: Array<Record<string, string> | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) if (value !== undefined) env[name] = value;
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      check(name, value);
      env[name] = value;
    }
  }
  return env;
}

function check(name: string, value: string): void {
  if (!NAME.test(name)) {
    throw invalid(`environment variable name ${JSON.stringify(name)} is not allowed: use letters, digits and _, starting with a letter or _`);
  }
  if (value.includes('\0')) {
    throw invalid(`environment variable ${name} holds a NUL character, which a process environment cannot carry; remove it from the value before it reaches this task`);
  }
}

function invalid(message: string): TaskError {
  return new TaskError(ErrorCodes.INVALID_INPUT, message, { retryable: false });
}
