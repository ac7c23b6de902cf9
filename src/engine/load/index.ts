/**
 * The workflow loader: YAML text or a definition object to a `CompiledWorkflow`
 * (parse or copy → validate → compile), plus the helpers the engine and CLI share with it.
 */
import type { CompiledWorkflow } from '../types.js';
import { compileWorkflow } from './compile.js';
import { DefinitionSource } from './definition-source.js';
import { IssueList } from './issues.js';
import { checkNames } from './names.js';
import type { LoadOptions } from './options.js';
import { checkProtectedEnv } from './protected-env.js';
import { parseWorkflowText } from './parse.js';
import { copyDefinition } from './plain-copy.js';
import type { WorkflowSource } from './source.js';
import { validateDefinition } from './validate.js';

/**
 * Loads a workflow from YAML text. Throws a `WorkflowValidationError` listing every
 * issue found, each with file, line, column and YAML path.
 */
export function loadWorkflow(text: string, options: LoadOptions): CompiledWorkflow {
  const { value, source, issues } = parseWorkflowText(text, options.file ?? '<workflow>');
  return checkAndCompile(value, source, issues, options);
}

/**
 * Loads a workflow from a value shaped like the YAML (a `WorkflowDefinition`), built
 * in code. The value is untrusted: it must be plain data (see plain-copy.ts), and it
 * is copied first, so changing it afterwards does not change the workflow. Throws a
 * `WorkflowValidationError` whose issues name `options.file` (default
 * `<definition>`) and a path, with line and column 0: there is no text. The
 * workflow's `source` is the copy as JSON (JSON is YAML), so a stored run resumes.
 */
export function loadDefinition(value: unknown, options: LoadOptions): CompiledWorkflow {
  const source = new DefinitionSource(options.file ?? '<definition>');
  const issues = new IssueList(source);
  const plain = copyDefinition(value, issues);
  const text = JSON.stringify(plain);
  return { ...checkAndCompile(plain, source, issues, options), source: text, defined: true };
}

/** The checks after parsing, the same whichever form the workflow came in. */
function checkAndCompile(value: Record<string, unknown>, source: WorkflowSource, issues: IssueList, options: LoadOptions): CompiledWorkflow {
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
