/**
 * Reading a workflow's secrets when a run starts (and again when it resumes: values
 * are never stored). A secret that cannot be read stops the run before any task
 * starts, as a missing input does.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { WeftError } from './errors.js';
import type { CompiledWorkflow, SecretSource } from './types.js';

/** A secret file larger than this is refused: secrets are tokens and keys, not data. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

/** Thrown by `start` and `resume` when a secret's variable is unset or its file cannot be read. */
export class SecretsUnavailableError extends WeftError {
  readonly problems: readonly string[];
  constructor(workflow: string, problems: string[]) {
    super('SECRETS_UNAVAILABLE', `Secrets of workflow "${workflow}" could not be read, so the run did not start:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/**
 * The value of every secret the workflow declares, or undefined when it declares
 * none. Files are read relative to the workflow file's directory, or to `workdir`
 * for a workflow that has no file on disk.
 */
export function resolveSecrets(workflow: CompiledWorkflow, workdir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
  const sources = workflow.secrets;
  if (!sources || Object.keys(sources).length === 0) return undefined;
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const baseDir = existsSync(workflow.file) ? path.dirname(path.resolve(workflow.file)) : workdir;
  for (const [name, source] of Object.entries(sources)) {
    const read = readSecret(source, baseDir, env);
    if ('problem' in read) problems.push(`${name}: ${read.problem}`);
    else values[name] = read.value;
  }
  if (problems.length > 0) throw new SecretsUnavailableError(workflow.name, problems);
  return values;
}

type Read = { value: string } | { problem: string };

function readSecret(source: SecretSource, baseDir: string, env: NodeJS.ProcessEnv): Read {
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined) return { problem: `the environment variable ${source.env} is not set; set it before starting the run` };
    if (value === '') return { problem: `the environment variable ${source.env} is empty; a secret must have a value` };
    return { value };
  }
  return readSecretFile(source.file, baseDir);
}

function readSecretFile(file: string, baseDir: string): Read {
  const written = path.resolve(baseDir, file);
  let real: string;
  try {
    real = realpathSync(written);
  } catch {
    return { problem: `the file ${written} does not exist (a relative path starts at ${baseDir})` };
  }
  const root = realpathSync(baseDir);
  const relative = path.relative(root, real);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { problem: `the file ${file} resolves to ${real}, outside the workflow's directory ${root}; keep secret files beside the workflow, or use \`env\`` };
  }
  const info = statSync(real);
  if (!info.isFile()) return { problem: `${real} is not a regular file` };
  if (info.size > MAX_SECRET_FILE_BYTES) return { problem: `${real} holds ${info.size} bytes; a secret file may hold at most ${MAX_SECRET_FILE_BYTES}` };
  let value: string;
  try {
    value = readFileSync(real, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    return { problem: `${real} cannot be read: ${(error as Error).message}` };
  }
  if (value === '') return { problem: `${real} is empty; a secret must have a value` };
  return { value };
}
