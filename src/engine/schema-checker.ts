/** Compiles each executor's JSON Schemas once, with one ajv instance per engine, and checks attempts against them. */
import { Ajv, type ValidateFunction } from 'ajv';
import type { AttemptExit, AttemptLayer } from './attempt.js';
import { ErrorCodes, TaskError, UsageError } from './errors.js';
import type { Executor } from './executor.js';

export interface ExecutorValidators {
  input?: ValidateFunction;
  output?: ValidateFunction;
}

export class SchemaChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly cache = new WeakMap<Executor, ExecutorValidators>();
  /** The executor asked for last, and its validators: an attempt asks twice, and a run's tasks mostly share one executor. */
  private lastExecutor?: Executor;
  private lastValidators?: ExecutorValidators;

  /** Throws UsageError naming the executor when a schema does not compile. */
  validatorsFor(executor: Executor): ExecutorValidators {
    if (executor === this.lastExecutor) return this.lastValidators!;
    let validators = this.cache.get(executor);
    if (!validators) {
      validators = {
        input: this.compile(executor, 'inputSchema'),
        output: this.compile(executor, 'outputSchema'),
      };
      this.cache.set(executor, validators);
    }
    this.lastExecutor = executor;
    this.lastValidators = validators;
    return validators;
  }

  private compile(executor: Executor, key: 'inputSchema' | 'outputSchema'): ValidateFunction | undefined {
    const schema = executor[key];
    if (!schema) return undefined;
    try {
      return this.ajv.compile(schema);
    } catch (error) {
      throw new UsageError(`executor "${executor.name}" has an invalid ${key}: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** Checks an attempt's input against its executor's input schema as it enters, and its output against the output schema as it leaves. */
export function schemaLayer(checker: SchemaChecker): AttemptLayer {
  const outputCheck: AttemptExit = {
    succeeded(result, call) {
      const output = checker.validatorsFor(call.executor).output!;
      if (!output(result)) {
        throw new TaskError(ErrorCodes.INVALID_OUTPUT, describe(`output of executor "${call.executor.name}"`, output), { details: output.errors });
      }
      return result;
    },
  };
  return (call) => {
    const { input, output } = checker.validatorsFor(call.executor);
    if (input && !input(call.input)) {
      throw new TaskError(ErrorCodes.INVALID_INPUT, describe(`input of executor "${call.executor.name}"`, input), { retryable: false, details: input.errors });
    }
    return output ? outputCheck : undefined;
  };
}

function describe(what: string, validate: ValidateFunction): string {
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
  return `${what} is invalid: ${problems.join('; ')}`;
}
