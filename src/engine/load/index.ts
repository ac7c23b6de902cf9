/**
 * The workflow loader: YAML text to a `CompiledWorkflow` (parse → validate → compile),
 * plus the helpers the engine and CLI share with it.
 */
import type { CompiledWorkflow } from '../types.js';
import { compileWorkflow } from './compile.js';
import { checkNames } from './names.js';
import type { LoadOptions } from './options.js';
import { checkProtectedEnv } from './protected-env.js';
import { parseWorkflowText } from './parse.js';
import { validateDefinition } from './validate.js';

/**
 * Loads a workflow from YAML text. Throws a `WorkflowValidationError` listing every
 * issue found, each with file, line, column and YAML path.
 */
export function loadWorkflow(text: string, options: LoadOptions): CompiledWorkflow {
  const { value, source, issues } = parseWorkflowText(text, options.file ?? '<workflow>');
  const definition = validateDefinition(value, issues);
  checkNames(definition, issues);
  checkProtectedEnv(definition, issues);
  const workflow = compileWorkflow(definition, source, issues, options);
  issues.throwIfAny();
  return workflow;
}

export type { ExecutorInfo, LoadOptions } from './options.js';
export type {
  DefaultsDefinition,
  EnvDefinition,
  InputDefinition,
  InputType,
  RetryDefinition,
  TaskDefinition,
  WorkflowDefinition,
} from './definition.js';
export type { ExpressionSite, TemplateOptions } from './template.js';
export { compileTemplate, interpolationText } from './template.js';
export { coerceInputText, resolveInputs } from './inputs.js';
export { isTruthy } from './truthy.js';
export { MAX_DURATION_MS, parseDuration } from './durations.js';
export { workflowSchema } from './validate.js';
export { builtInPools } from './compile.js';
export { MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_NAME_CHARS, MAX_NESTING_DEPTH, MAX_SCALAR_CHARS } from './limits.js';
export { readWorkflowFile } from './read-file.js';
