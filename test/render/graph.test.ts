import { describe, expect, it } from 'vitest';
import type { CompiledTask, CompiledWorkflow, Template } from '../../src/engine/types.js';
import { graphDocument, renderGraph } from '../../src/render/graph.js';

function fixed<T>(value: T): Template<T> {
  return { isStatic: true, taskRefs: [], evaluate: () => value };
}

function task(id: string, order: number, extra: Partial<CompiledTask> = {}): CompiledTask {
  return {
    id,
    order,
    uses: 'shell',
    with: fixed({}),
    env: fixed({}),
    exprEnv: {},
    needs: [],
    trigger: 'all_success',
    retry: {},
    resources: {},
    priority: 0,
    continueOnError: false,
    location: { file: 'w.yaml', line: order + 1, column: 3, path: `tasks.${id}` },
    ...extra,
  };
}

function workflow(tasks: CompiledTask[], name = 'demo'): CompiledWorkflow {
  return {
    name,
    file: 'w.yaml',
    inputs: {},
    resources: {},
    failFast: false,
    tasks,
    outputs: fixed({}),
    criticalPath: tasks.map(() => 1),
  };
}

const diamond = workflow([
  task('fetch', 0),
  task('build', 1, { needs: ['fetch'], uses: 'echo', forEach: fixed(['a', 'b']) }),
  task('end', 2, { needs: ['fetch'] }),
  task('report', 3, { needs: ['build', 'end'], trigger: 'all_done' }),
]);

describe('renderGraph mermaid', () => {
  const text = renderGraph(diamond, 'mermaid');

  it('draws every task once and every need as an edge', () => {
    expect(text).toContain('flowchart TD');
    expect(text.match(/^ {2}t\d+\[/gm)).toHaveLength(4);
    expect(text).toContain('t0 --> t1');
    expect(text).toContain('t0 --> t2');
    expect(text).toContain('t1 --> t3');
    expect(text).toContain('t2 --> t3');
  });

  it('marks a forEach task as a fan-out node and shows non-default trigger rules', () => {
    expect(text).toContain('t1[["build<br/>echo · for each"]]');
    expect(text).toContain('class t1 fanOut');
    expect(text).toContain('t3["report<br/>shell<br/>trigger: all_done"]');
    expect(text).not.toContain('all_success');
  });

  it('keeps Mermaid keywords and quotes out of node ids', () => {
    expect(text).toContain('t2["end<br/>shell"]');
    const quoted = renderGraph(workflow([task('a', 0, { uses: 'say"<hi>' })], 'x"y'), 'mermaid');
    expect(quoted).toContain('t0["a<br/>say#34;#60;hi#62;"]');
    expect(quoted).toContain('title: "x\\"y"');
  });
});

describe('renderGraph dot', () => {
  it('writes a digraph with quoted ids, a 3D box for fan-out and labelled triggers', () => {
    const text = renderGraph(diamond, 'dot');
    expect(text.startsWith('digraph "demo" {')).toBe(true);
    expect(text).toContain('"build" [label="build\\necho · for each", shape=box3d, style=""];');
    expect(text).toContain('"report" [label="report\\nshell\\ntrigger: all_done"];');
    expect(text).toContain('"fetch" -> "build";');
    expect(text.trimEnd().endsWith('}')).toBe(true);
  });

  it('escapes quotes and backslashes in names', () => {
    const text = renderGraph(workflow([task('a', 0)], 'say "hi" \\ bye'), 'dot');
    expect(text).toContain('digraph "say \\"hi\\" \\\\ bye" {');
  });
});

describe('renderGraph json', () => {
  it('lists nodes with their traits and edges from need to dependent', () => {
    const doc = JSON.parse(renderGraph(diamond, 'json')) as ReturnType<typeof graphDocument>;
    expect(doc.workflow).toBe('demo');
    expect(doc.nodes.map((n) => n.id)).toEqual(['fetch', 'build', 'end', 'report']);
    expect(doc.nodes[1]).toMatchObject({ id: 'build', uses: 'echo', fanOut: true, trigger: 'all_success' });
    expect(doc.nodes[3]).toMatchObject({ trigger: 'all_done', needs: ['build', 'end'], fanOut: false });
    expect(doc.edges).toContainEqual({ from: 'build', to: 'report' });
    expect(doc.edges).toHaveLength(4);
  });
});

describe('large graphs', () => {
  it('renders a 100,000-task chain in every format', () => {
    const tasks = Array.from({ length: 100_000 }, (_, i) => task(`t${i}`, i, { needs: i === 0 ? [] : [`t${i - 1}`] }));
    const chain = workflow(tasks);
    expect(renderGraph(chain, 'mermaid')).toContain('t99998 --> t99999');
    expect(renderGraph(chain, 'dot')).toContain('"t99998" -> "t99999";');
    expect(JSON.parse(renderGraph(chain, 'json')).edges).toHaveLength(99_999);
  });
});
