/**
 * A compiled workflow's task graph as text: Mermaid (for Markdown), Graphviz DOT,
 * or JSON (for tools). One pass over the tasks, no recursion, so 100,000-task
 * workflows render as easily as small ones.
 */
import type { CompiledTask, CompiledWorkflow } from '../engine/types.js';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphNode {
  id: string;
  uses: string;
  needs: string[];
  trigger: CompiledTask['trigger'];
  /** A forEach task: one node that fans out into an instance per item at run time. */
  fanOut: boolean;
  /** The task has an `if:` condition. */
  conditional: boolean;
  continueOnError: boolean;
}

export interface GraphDocument {
  workflow: string;
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
}

export function renderGraph(workflow: CompiledWorkflow, format: GraphFormat): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(workflow);
    case 'dot':
      return renderDot(workflow);
    case 'json':
      return `${JSON.stringify(graphDocument(workflow), null, 2)}\n`;
  }
}

export function graphDocument(workflow: CompiledWorkflow): GraphDocument {
  const nodes: GraphNode[] = [];
  const edges: { from: string; to: string }[] = [];
  for (const task of workflow.tasks) {
    nodes.push({
      id: task.id,
      uses: task.uses,
      needs: [...task.needs],
      trigger: task.trigger,
      fanOut: task.forEach !== undefined,
      conditional: task.if !== undefined,
      continueOnError: task.continueOnError,
    });
    for (const need of task.needs) edges.push({ from: need, to: task.id });
  }
  return { workflow: workflow.name, nodes, edges };
}

/** The extra lines under a task's name: its executor, fan-out, a non-default trigger rule. */
function annotations(task: CompiledTask): string[] {
  const notes = [task.forEach === undefined ? task.uses : `${task.uses} · for each`];
  if (task.trigger !== 'all_success') notes.push(`trigger: ${task.trigger}`);
  if (task.if !== undefined) notes.push('if: …');
  return notes;
}

/**
 * Mermaid node ids are `t<index>`: task ids like `end` or `graph` are Mermaid
 * keywords, so the task id only ever appears inside a quoted label.
 */
export function renderMermaid(workflow: CompiledWorkflow): string {
  const index = indexById(workflow);
  const lines = ['---', `title: ${JSON.stringify(workflow.name)}`, '---', 'flowchart TD'];
  workflow.tasks.forEach((task, i) => {
    const label = [task.id, ...annotations(task)].map(mermaidText).join('<br/>');
    const [open, close] = task.forEach === undefined ? ['[', ']'] : ['[[', ']]'];
    lines.push(`  t${i}${open}"${label}"${close}`);
  });
  workflow.tasks.forEach((task, i) => {
    for (const need of task.needs) lines.push(`  t${index.get(need)} --> t${i}`);
  });
  const fanOuts = workflow.tasks.flatMap((task, i) => (task.forEach === undefined ? [] : [`t${i}`]));
  if (fanOuts.length > 0) {
    lines.push('  classDef fanOut stroke-dasharray: 5 3');
    lines.push(`  class ${fanOuts.join(',')} fanOut`);
  }
  return `${lines.join('\n')}\n`;
}

function mermaidText(text: string): string {
  return text.replace(/[#"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}

export function renderDot(workflow: CompiledWorkflow): string {
  const lines = [
    `digraph ${dotString(workflow.name)} {`,
    '  rankdir=TB;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
  ];
  for (const task of workflow.tasks) {
    const label = [task.id, ...annotations(task)].join('\n');
    const fanOut = task.forEach === undefined ? '' : ', shape=box3d, style=""';
    lines.push(`  ${dotString(task.id)} [label=${dotString(label)}${fanOut}];`);
  }
  for (const task of workflow.tasks) {
    for (const need of task.needs) lines.push(`  ${dotString(need)} -> ${dotString(task.id)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function indexById(workflow: CompiledWorkflow): Map<string, number> {
  const index = new Map<string, number>();
  workflow.tasks.forEach((task, i) => index.set(task.id, i));
  return index;
}
