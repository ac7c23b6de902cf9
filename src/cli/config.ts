/**
 * `weft.config.mjs`: the project's custom executors, resource pools, circuit
 * breakers, alerts, and the folders besides the workdir that executors may use.
 *
 * Found, in order of preference: `--config FILE`; `weft.config.mjs` beside the
 * workflow file; `weft.config.mjs` in the current directory. It is a module the
 * user wrote, imported as such; its shape is checked before the engine sees it.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Executor } from '../engine/executor.js';
import { WeftError } from '../engine/errors.js';
import { parseDuration } from '../engine/load/index.js';
import type { CircuitBreakerOptions } from '../engine/types.js';
import { parseAlertsConfig, type AlertsConfig } from '../observe/alerts/rules.js';

export const CONFIG_FILE_NAME = 'weft.config.mjs';

export interface WeftConfig {
  executors: Executor[];
  resources: Record<string, number>;
  /** Circuit-breaker settings by executor name. */
  circuitBreakers?: Record<string, CircuitBreakerOptions>;
  /** Alert rules and sinks for every run of the project. */
  alerts?: AlertsConfig;
  /** Folders besides the workdir that executors may use, as absolute paths (written relative to the config file). */
  workspaceRoots?: string[];
  /** The file it came from; absent when no config file was found. */
  file?: string;
}

export class ConfigError extends WeftError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', `${file}: ${message}`, options);
    this.file = file;
  }
}

export interface ConfigLookup {
  /** `--config FILE`: used as is, and an error if it does not exist. */
  explicit?: string;
  /** The workflow file; its directory is searched first. */
  workflowFile?: string;
  cwd: string;
}

export function findConfigFile(lookup: ConfigLookup): string | undefined {
  if (lookup.explicit !== undefined) return resolve(lookup.cwd, lookup.explicit);
  const candidates = [];
  if (lookup.workflowFile !== undefined) candidates.push(join(dirname(resolve(lookup.cwd, lookup.workflowFile)), CONFIG_FILE_NAME));
  candidates.push(join(resolve(lookup.cwd), CONFIG_FILE_NAME));
  return candidates.find((candidate) => existsSync(candidate));
}

/** Finds and loads the config; an empty config when there is none. */
export async function resolveConfig(lookup: ConfigLookup): Promise<WeftConfig> {
  const file = findConfigFile(lookup);
  return file === undefined ? { executors: [], resources: {} } : loadConfig(file);
}

export async function loadConfig(file: string): Promise<WeftConfig> {
  if (!existsSync(file)) throw new ConfigError(file, 'config file not found; check the --config path');
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, `could not import the config module: ${reason}`, { cause: error });
  }
  return { ...checkConfig(configExports(module, file), file), file };
}

const CONFIG_KEYS = ['executors', 'resources', 'circuitBreakers', 'alerts', 'workspaceRoots'];

/** A default export wins; otherwise the named exports of CONFIG_KEYS. */
function configExports(module: Record<string, unknown>, file: string): Record<string, unknown> {
  if (module.default !== undefined) {
    if (!isPlainObject(module.default)) {
      throw new ConfigError(file, `the default export must be an object like { executors: [...], resources: {...} }, got ${describe(module.default)}`);
    }
    return module.default;
  }
  const named = CONFIG_KEYS.filter((key) => module[key] !== undefined);
  if (named.length === 0) {
    throw new ConfigError(file, 'exports nothing weft uses: export default { executors: [...], resources: {...} }, or named exports `executors` and `resources`');
  }
  return Object.fromEntries(named.map((key) => [key, module[key]]));
}

/** Checks a config object's shape, with a message that points at the bad part. */
export function checkConfig(value: Record<string, unknown>, file: string): Omit<WeftConfig, 'file'> {
  for (const key of Object.keys(value)) {
    if (!CONFIG_KEYS.includes(key)) {
      throw new ConfigError(file, `unknown key \`${key}\`; a config has only ${CONFIG_KEYS.map((k) => `\`${k}\``).join(' and ')}`);
    }
  }
  return {
    executors: checkExecutors(value.executors, file),
    resources: checkResources(value.resources, file),
    circuitBreakers: checkCircuitBreakers(value.circuitBreakers, file),
    ...(value.alerts === undefined ? {} : { alerts: checkAlerts(value.alerts, file) }),
    ...(value.workspaceRoots === undefined ? {} : { workspaceRoots: checkWorkspaceRoots(value.workspaceRoots, file) }),
  };
}

/** Paths as absolute ones: a relative root starts at the config file's folder, wherever weft runs from. */
function checkWorkspaceRoots(value: unknown, file: string): string[] {
  const example = "like ['../checkouts', '/srv/repos']";
  if (!Array.isArray(value)) throw new ConfigError(file, `\`workspaceRoots\` must be an array of folder paths, ${example}, got ${describe(value)}`);
  return value.map((root: unknown, i) => {
    if (typeof root !== 'string' || root.trim() === '') throw new ConfigError(file, `workspaceRoots[${i}] must be a folder path, got ${describe(root)}`);
    return resolve(dirname(file), root);
  });
}

function checkAlerts(value: unknown, file: string): AlertsConfig {
  try {
    return parseAlertsConfig(value);
  } catch (error) {
    throw new ConfigError(file, (error as Error).message, { cause: error });
  }
}

function checkCircuitBreakers(value: unknown, file: string): Record<string, CircuitBreakerOptions> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new ConfigError(file, `\`circuitBreakers\` must be an object by executor name, like { analyzer: { failureThreshold: 3, resetAfter: '1m' } }, got ${describe(value)}`);
  for (const [name, settings] of Object.entries(value)) {
    const where = `circuitBreakers.${name}`;
    if (!isPlainObject(settings)) throw new ConfigError(file, `${where} must be an object, got ${describe(settings)}`);
    const { failureThreshold, resetAfter, ...rest } = settings;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new ConfigError(file, `${where} has unknown key \`${unknown}\`; use \`failureThreshold\` and \`resetAfter\``);
    if (failureThreshold !== undefined && (typeof failureThreshold !== 'number' || !Number.isInteger(failureThreshold) || failureThreshold < 1)) {
      throw new ConfigError(file, `${where}.failureThreshold must be a positive integer, got ${describe(failureThreshold)}`);
    }
    if (resetAfter !== undefined) {
      try {
        parseDuration(resetAfter as string | number);
      } catch (error) {
        throw new ConfigError(file, `${where}.resetAfter: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return value as Record<string, CircuitBreakerOptions>;
}

function checkExecutors(value: unknown, file: string): Executor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(file, `\`executors\` must be an array of executors, got ${describe(value)}`);
  value.forEach((executor: unknown, i) => {
    const where = `executors[${i}]`;
    if (!isPlainObject(executor)) throw new ConfigError(file, `${where} must be an object with \`name\` and \`execute\`, got ${describe(executor)}`);
    if (typeof executor.name !== 'string' || executor.name === '') {
      throw new ConfigError(file, `${where} needs a \`name\` string, got ${describe(executor.name)}`);
    }
    if (typeof executor.execute !== 'function') {
      throw new ConfigError(file, `${where} (\`${executor.name}\`) needs an \`execute(input, ctx)\` function, got ${describe(executor.execute)}`);
    }
  });
  return value as Executor[];
}

function checkResources(value: unknown, file: string): Record<string, number> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new ConfigError(file, `\`resources\` must be an object of pool sizes like { gpu: 1 }, got ${describe(value)}`);
  for (const [name, size] of Object.entries(value)) {
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
      throw new ConfigError(file, `resources.${name} must be a positive integer, got ${describe(size)}`);
    }
  }
  return value as Record<string, number>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
