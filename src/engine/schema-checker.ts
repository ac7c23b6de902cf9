/** Compiles each executor's JSON Schemas once, with one ajv instance per engine. */
import { Ajv, type ValidateFunction } from 'ajv';
import { UsageError } from './errors.js';
import type { Executor } from './executor.js';

export interface ExecutorValidators {
  input?: ValidateFunction;
  output?: ValidateFunction;
}

export class SchemaChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly cache = new WeakMap<Executor, ExecutorValidators>();

  /** Throws UsageError naming the executor when a schema does not compile. */
  validatorsFor(executor: Executor): ExecutorValidators {
    let validators = this.cache.get(executor);
    if (!validators) {
      validators = {
        input: this.compile(executor, 'inputSchema'),
        output: this.compile(executor, 'outputSchema'),
      };
      this.cache.set(executor, validators);
    }
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
