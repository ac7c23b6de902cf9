/**
 * Dependency graphs built to break recursion and flood messages: a task that needs
 * itself, cycles long and short, and a chain 100,000 tasks long through loading,
 * validation, cycle reporting, the critical path and every `weft graph` format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledWorkflow } from '../../src/engine/types.js';
import { GRAPH_FORMATS, renderGraph } from '../../src/render/graph.js';
import { runCli } from '../e2e/cli-process.js';
import { issueOf, issuesOf, load } from '../engine/load/helpers.js';
import { tempDir, validateThroughCli, writeFile, yaml } from './helpers.js';

const temp = tempDir('graphs');
afterAll(() => temp.remove());

const N = 100_000;

function chain(n: number): string {
  const lines = ['name: chain', 'tasks:', '  t0: { uses: echo }'];
  for (let i = 1; i < n; i++) lines.push(`  t${i}: { uses: echo, needs: t${i - 1} }`);
  return yaml(...lines);
}

function ring(n: number): string {
  const lines = ['name: ring', 'tasks:'];
  for (let i = 0; i < n; i++) lines.push(`  t${i}: { uses: echo, needs: t${(i + 1) % n} }`);
  return yaml(...lines);
}

describe('cycles', () => {
  it('refuses a task that needs itself, at the need', () => {
    expect(issueOf(yaml('name: x', 'tasks:', '  a: { uses: echo, needs: [a] }'))).toMatchObject({
      line: 3,
      column: 28,
      message: 'task `a` needs itself; remove `a` from its `needs`',
    });
  });

  it('reports each separate cycle once, starting from its first task in the file', () => {
    const issues = issuesOf(yaml('name: x', 'tasks:', '  a: { uses: echo, needs: b }', '  b: { uses: echo, needs: a }', '  c: { uses: echo, needs: d }', '  d: { uses: echo, needs: c }'));
    expect(issues.map((issue) => issue.message)).toEqual([
      'tasks depend on each other in a cycle: a → b → a (each needs the next); remove one of these needs',
      'tasks depend on each other in a cycle: c → d → c (each needs the next); remove one of these needs',
    ]);
  });

  it('reports a 100,000-task cycle in a message of a few lines, not 100,000 ids', () => {
    const [issue] = issuesOf(ring(N));
    expect(issue!.message).toBe(
      'tasks depend on each other in a cycle: t0 → t1 → t2 → t3 → t4 → t5 → t6 → t7 → t8 → t9 → … 99989 more … → t99999 → t0 (each needs the next); remove one of these needs',
    );
    expect([issue!.line, issue!.column]).toEqual([3, '  t0: { uses: echo, needs: '.length + 1]);
  }, 120_000);

  it('reports a 100,000-task cycle through `weft validate`', async () => {
    const file = writeFile(temp.dir, 'ring.yaml', ring(N));
    const { stderr } = await validateThroughCli([file]);
    expect(stderr).toContain(`${file}:3:28: tasks depend on each other in a cycle: t0 → t1`);
    expect(stderr.length).toBeLessThan(1_000);
  }, 120_000);
});

describe('a 100,000-task chain', () => {
  let workflow: CompiledWorkflow;
  beforeAll(() => {
    workflow = load(chain(N));
  }, 120_000);

  it('loads, with the critical path counted from each task to the end', () => {
    expect(workflow.tasks).toHaveLength(N);
    expect(workflow.tasks[N - 1]!.needs).toEqual([`t${N - 2}`]);
    expect(workflow.criticalPath[0]).toBe(N);
    expect(workflow.criticalPath[N - 1]).toBe(1);
  });

  it.each(GRAPH_FORMATS)('renders as %s without recursion', (format) => {
    const text = renderGraph(workflow, format);
    expect(text).toContain('t99998');
    expect(text).toContain('t99999');
  });

  it('renders through `weft graph` and validates through `weft validate`', async () => {
    const file = writeFile(temp.dir, 'chain.yaml', chain(N));
    const graph = await runCli(['graph', file, '--format', 'json']);
    expect(graph.code).toBe(0);
    const document = JSON.parse(graph.stdout) as { nodes: unknown[]; edges: unknown[] };
    expect([document.nodes.length, document.edges.length]).toEqual([N, N - 1]);
    const validate = await runCli(['validate', file]);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain(file);
  }, 180_000);
});
