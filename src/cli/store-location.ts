/**
 * Where the CLI keeps runs: `.weft/weft.db` in the workflow's project, so every
 * command run in a project sees the same history. `--store PATH` wins over
 * `WEFT_STORE`, which wins over the default.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../engine/errors.js';
import { SqliteRunStore, type RunRecord, type RunStore } from '../engine/store/index.js';
import type { RunResult } from '../engine/types.js';
import { DrivingStore } from './driving-store.js';

export const STORE_ENV = 'WEFT_STORE';
export const STORE_DIR = '.weft';
export const STORE_FILE = 'weft.db';

/** A directory holding either of these is a project root. */
const PROJECT_MARKERS = ['package.json', '.git'];

export interface StoreLocation {
  /** `--store PATH`. */
  flag?: string;
  /** The workflow file the command is about; without one, the search starts at `cwd`. */
  workflowFile?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** The store file's absolute path. */
export function storePath(location: StoreLocation = {}): string {
  const cwd = resolve(location.cwd ?? process.cwd());
  const env = location.env ?? process.env;
  if (location.flag !== undefined && location.flag !== '') return resolve(cwd, location.flag);
  const fromEnv = env[STORE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv);
  const start = location.workflowFile === undefined ? cwd : dirname(resolve(cwd, location.workflowFile));
  return join(projectRoot(start) ?? start, STORE_DIR, STORE_FILE);
}

/** The nearest directory at or above `start` with a package.json or .git. */
export function projectRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (PROJECT_MARKERS.some((marker) => existsSync(join(dir, marker)))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The store a run writes to; the file is created when the run first writes to it. */
export function openStore(location: StoreLocation = {}): DrivingStore {
  return new DrivingStore(storePath(location));
}

/**
 * Opens the store for a command that only reads it; `undefined` when there is no
 * file yet, so looking at history never leaves an empty database behind.
 */
export function openExistingStore(file: string): SqliteRunStore | undefined {
  return existsSync(file) ? new SqliteRunStore(file) : undefined;
}

/** The run with this id, or a usage error naming the store that lacks it. */
export function requireRun(store: RunStore | undefined, file: string, runId: string): RunRecord {
  const run = store?.getRun(runId);
  if (!run) throw new UsageError(`no run ${runId} in ${file}; \`weft runs\` lists them`);
  return run;
}

/** A stored run as `weft run --json` prints it: without the definition it was started from. */
export function toRunResult(run: RunRecord): RunResult {
  const { definition: _definition, ...result } = run;
  return result;
}
