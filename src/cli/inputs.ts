/**
 * A run's inputs from the command line: an `--inputs` file (JSON or YAML map)
 * overlaid with `--input key=value` flags, each value coerced by the type the
 * workflow declares for it.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../engine/errors.js';
import { coerceInputText } from '../engine/load/index.js';
import type { InputSpec } from '../engine/types.js';

export function collectInputs(
  specs: Record<string, InputSpec>,
  inputsFile: string | undefined,
  flags: readonly string[] = [],
): Record<string, unknown> {
  const inputs = inputsFile === undefined ? {} : readInputsFile(inputsFile);
  for (const flag of flags) {
    const [name, text] = splitFlag(flag);
    inputs[name] = coerceInputText(specs[name], text);
  }
  return inputs;
}

function splitFlag(flag: string): [string, string] {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new UsageError(`--input expects name=value, got "${flag}"`);
  return [flag.slice(0, eq).trim(), flag.slice(eq + 1)];
}

export function readInputsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --inputs file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new UsageError(`--inputs file ${file} is not valid JSON or YAML: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--inputs file ${file} must hold a map of input names to values, like {"repo": "weft"}`);
  }
  return { ...(value as Record<string, unknown>) };
}
