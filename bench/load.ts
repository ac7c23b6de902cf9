/** Loading: parse + validate + compile of a large YAML workflow, cold, as `weft run` does it once. */
import { performance } from 'node:perf_hooks';
import { makeDag, toYaml } from './shapes.js';
import { WorkflowEngine } from './weft.js';

export interface LoadFigure {
  tasks: number;
  bytes: number;
  loadMs: number;
  usPerTask: number;
  maxRss: number;
}

export function measureLoad(size: number, seed: number): LoadFigure {
  const text = toYaml(makeDag('layered', size, seed), 8);
  const engine = new WorkflowEngine();
  const start = performance.now();
  const workflow = engine.parse(text, 'load.yaml');
  const loadMs = performance.now() - start;
  if (workflow.tasks.length !== size) throw new Error(`loaded ${workflow.tasks.length} tasks of ${size}`);
  return { tasks: size, bytes: Buffer.byteLength(text), loadMs, usPerTask: (loadMs * 1000) / size, maxRss: process.resourceUsage().maxRSS * 1024 };
}
