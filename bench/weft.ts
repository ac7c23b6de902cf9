/**
 * weft as users run it: the JavaScript `npm run build` puts in dist/, typed from the
 * sources. The bench itself runs under tsx, but tsx compiles TypeScript with
 * esbuild's `keepNames`, which wraps every closure the engine creates per task in a
 * `__name(...)` call that sets its `name` — a cost of tsx, not of weft, worth
 * several µs per task. Loading dist/ measures the code that ships.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Index from '../src/index.js';
import type * as Loader from '../src/engine/load/index.js';
import type { RunStore } from '../src/engine/store/index.js';

export type { CompiledWorkflow, Executor, RunStore } from '../src/index.js';
export type WorkflowEngine = Index.WorkflowEngine;

const DIST = new URL('../dist/', import.meta.url);

function built(file: string): string {
  const url = new URL(file, DIST);
  if (!existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: run \`npm run build\` first (npm run bench does)`);
  return url.href;
}

const index = (await import(built('index.js'))) as typeof Index;
const loader = (await import(built('engine/load/index.js'))) as typeof Loader;

export const { WorkflowEngine, defineExecutor, builtinExecutors } = index;
export const { loadWorkflow } = loader;

/** The built-in `echo` executor. */
export const echoExecutor = builtinExecutors.find((e) => e.name === 'echo')!;

/** The built SQLite store, once it exists (it is written separately); undefined until then. */
export async function sqliteStoreClass(): Promise<(new (file: string) => RunStore) | undefined> {
  const url = new URL('engine/store/sqlite-store.js', DIST);
  if (!existsSync(fileURLToPath(url))) return undefined;
  return ((await import(url.href)) as { SqliteRunStore: new (file: string) => RunStore }).SqliteRunStore;
}
