/**
 * The three contenders, each running a DAG whose every task is `probe.hit`.
 *
 * Wall time starts where a contender is handed the graph in its own input form and
 * ends when it reports the run done: for weft that is `engine.start` on a compiled
 * workflow, for p-graph it is `new PGraph(...)` and `run()`, for the floor its whole
 * function. weft is handed the graph as a definition object (`engine.define`), as an
 * embedder generating a large workflow in code would: YAML text of 100,000 tasks
 * costs the yaml package about 1 GB to parse, dwarfing the engine. Loading it
 * (validate + compile) is timed on its own, as `loadMs`; bench/load.ts times YAML.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGraph, type PGraphNode } from 'p-graph';
import { runFloor } from './floor.js';
import type { Probe } from './probe.js';
import { edges, toDefinition, type Dag } from './shapes.js';
import { defineExecutor, echoExecutor, sqliteStoreClass, WorkflowEngine, type Executor } from './weft.js';

export const CONTENDERS = ['weft', 'p-graph', 'floor'] as const;
/** `weft-sqlite` is weft with the durable store: the persisted-mode figure. */
export type Contender = (typeof CONTENDERS)[number] | 'weft-sqlite';

export interface Timed {
  wallMs: number;
  /** Only weft loads: `engine.define` of the definition object (copy + validate + compile). */
  loadMs?: number;
}

/** Task ids are `t<index>` everywhere, so every contender pays the same to find a task's index. */
export function taskIndex(id: string): number {
  return Number(id.slice(1));
}

/** `echo` with the same schemas and output, plus the probe. */
export function probedEcho(probe: Probe): Executor {
  return defineExecutor({
    name: 'echo',
    inputSchema: echoExecutor.inputSchema,
    outputSchema: echoExecutor.outputSchema,
    execute(input, ctx) {
      probe.hit(taskIndex(ctx.taskId));
      return input;
    },
  });
}

export interface RunHooks {
  /** Called once the contender's input is ready and just before the clock starts. */
  beforeRun(): void;
}

export async function runContender(
  contender: Contender,
  dag: Dag,
  concurrency: number | undefined,
  probe: Probe,
  hooks: RunHooks,
): Promise<Timed> {
  switch (contender) {
    case 'weft':
      return runWeft(new WorkflowEngine({ builtins: false, executors: [probedEcho(probe)] }), dag, concurrency, hooks);
    case 'weft-sqlite':
      return runWeftPersisted(dag, concurrency, probe, hooks);
    case 'p-graph':
      return runPGraph(dag, concurrency, probe, hooks);
    case 'floor':
      return runFloorContender(dag, concurrency, probe, hooks);
  }
}

async function runWeft(engine: WorkflowEngine, dag: Dag, concurrency: number | undefined, hooks: RunHooks): Promise<Timed> {
  const definition = toDefinition(dag, concurrency);
  const loadStart = performance.now();
  const workflow = engine.define(definition, 'bench');
  const loadMs = performance.now() - loadStart;
  hooks.beforeRun();
  const start = performance.now();
  const result = await engine.run(workflow);
  const wallMs = performance.now() - start;
  if (result.status !== 'succeeded') throw new Error(`weft run ended ${result.status}: ${JSON.stringify(result.error)}`);
  return { wallMs, loadMs };
}

async function runWeftPersisted(dag: Dag, concurrency: number | undefined, probe: Probe, hooks: RunHooks): Promise<Timed> {
  const SqliteRunStore = await sqliteStoreClass();
  if (!SqliteRunStore) throw new Error('dist/engine/store/sqlite-store.js does not exist: the SQLite store is not built');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'weft-bench-'));
  const store = new SqliteRunStore(path.join(dir, 'runs.db'));
  try {
    return await runWeft(new WorkflowEngine({ builtins: false, executors: [probedEcho(probe)], store }), dag, concurrency, hooks);
  } finally {
    store.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runPGraph(dag: Dag, concurrency: number | undefined, probe: Probe, hooks: RunHooks): Promise<Timed> {
  const nodes = new Map<string, PGraphNode>(dag.deps.map((_, i) => [`t${i}`, {}]));
  const dependencies = edges(dag).map(([from, to]): [string, string] => [`t${from}`, `t${to}`]);
  hooks.beforeRun();
  const start = performance.now();
  await new PGraph(nodes, dependencies).run({ concurrency, run: (id) => probe.hit(taskIndex(id)) });
  return { wallMs: performance.now() - start };
}

async function runFloorContender(dag: Dag, concurrency: number | undefined, probe: Probe, hooks: RunHooks): Promise<Timed> {
  hooks.beforeRun();
  const start = performance.now();
  await runFloor(dag.deps, (task) => probe.hit(task), concurrency);
  return { wallMs: performance.now() - start };
}
