/**
 * Workflow inputs: their specs, the values a run is started with, and text from the
 * command line turned into those values.
 */
import { InputValidationError } from '../errors.js';
import type { CompiledWorkflow, InputSpec } from '../types.js';
import type { InputDefinition } from './definition.js';
import type { IssueList } from './issues.js';
import { didYouMean } from './suggest.js';
import { describeValue, typeName } from './validate.js';

export function toInputSpec(definition: InputDefinition): InputSpec {
  const spec: InputSpec = { type: definition.type ?? 'string', required: definition.required ?? false };
  if (definition.description !== undefined) spec.description = definition.description;
  if (definition.default !== undefined) spec.default = definition.default;
  if (definition.enum !== undefined) spec.enum = definition.enum;
  return spec;
}

function hasType(type: InputSpec['type'], value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

/** Structural equality for JSON-like values, for `enum`. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** What is wrong with `value` for `spec`, or undefined when it fits. */
export function inputProblem(spec: InputSpec, value: unknown): string | undefined {
  if (!hasType(spec.type, value)) return `expected ${typeName(spec.type)}, got ${describeValue(value)}`;
  if (spec.enum && !spec.enum.some((allowed) => sameValue(allowed, value))) {
    return `expected one of ${spec.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}, got ${describeValue(value)}`;
  }
  return undefined;
}

/** Load-time checks: a default and enum values must have the input's type. */
export function checkInputDefinitions(inputs: Record<string, InputSpec>, issues: IssueList): void {
  for (const [name, spec] of Object.entries(inputs)) {
    spec.enum?.forEach((allowed, index) => {
      if (!hasType(spec.type, allowed)) {
        issues.add(['inputs', name, 'enum', index], `enum value of input \`${name}\`: expected ${typeName(spec.type)}, got ${describeValue(allowed)}`);
      }
    });
    if (spec.default === undefined) continue;
    const problem = inputProblem(spec, spec.default);
    if (problem) issues.add(['inputs', name, 'default'], `default of input \`${name}\`: ${problem}`);
  }
}

/**
 * The inputs a run starts with: given values checked, defaults filled in. Throws an
 * `InputValidationError` listing every problem: unknown names, missing required
 * inputs, wrong types, values outside `enum`.
 */
export function resolveInputs(wf: CompiledWorkflow, given: Record<string, unknown>): Record<string, unknown> {
  const problems: string[] = [];
  const declared = Object.keys(wf.inputs);
  for (const name of Object.keys(given)) {
    if (!(name in wf.inputs)) {
      const known = declared.length > 0 ? ` (declared: ${declared.join(', ')})` : ' (the workflow declares no inputs)';
      problems.push(`unknown input "${name}"${didYouMean(name, declared)}${known}`);
    }
  }
  const resolved: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(wf.inputs)) {
    const value = given[name] !== undefined ? given[name] : spec.default;
    if (value === undefined) {
      if (spec.required) problems.push(`missing required input "${name}" (${typeName(spec.type)})${spec.description ? `: ${spec.description}` : ''}`);
      continue;
    }
    const problem = inputProblem(spec, value);
    if (problem) problems.push(`input "${name}": ${problem}`);
    else resolved[name] = value;
  }
  if (problems.length > 0) throw new InputValidationError(wf.name, problems);
  return resolved;
}

/**
 * A value from command-line text (`--input k=v`): numbers, integers and booleans are
 * parsed, arrays and objects read as JSON (an array also as a comma-separated list),
 * strings kept as they are. Text that does not parse is returned unchanged, so that
 * `resolveInputs` reports it with every other problem.
 */
export function coerceInputText(spec: InputSpec | undefined, text: string): unknown {
  switch (spec?.type) {
    case 'number':
    case 'integer': {
      const number = text.trim() === '' ? NaN : Number(text);
      return Number.isNaN(number) ? text : number;
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : text;
    }
    case 'array':
      if (text.trim().startsWith('[')) return parseJson(text);
      return text.trim() === '' ? [] : text.split(',').map((item) => item.trim());
    case 'object':
      return parseJson(text);
    default:
      return text;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
