/**
 * Places a workflow's tasks with dagre (the layered layout Graphviz's `dot` also
 * uses), in Node, so the report carries coordinates and needs no library to open.
 */
import { Graph, layout } from '@dagrejs/dagre';

export interface LayoutNode {
  id: string;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

export interface LayoutInput {
  /** `title` is drawn at 12px, `subtitle` below it at 10px: the node is sized to fit both. */
  nodes: { id: string; title: string; subtitle?: string }[];
  edges: { from: string; to: string }[];
}

const TITLE_CHAR_WIDTH = 7.2;
const SUBTITLE_CHAR_WIDTH = 5.9;
const NODE_HEIGHT = 46;
const MIN_WIDTH = 80;
const PADDING = 22;

export function layoutGraph(input: LayoutInput): GraphLayout {
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 20, ranksep: 40, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of input.nodes) {
    const text = Math.max(node.title.length * TITLE_CHAR_WIDTH, (node.subtitle?.length ?? 0) * SUBTITLE_CHAR_WIDTH);
    graph.setNode(node.id, { width: Math.max(MIN_WIDTH, Math.ceil(text) + PADDING), height: NODE_HEIGHT });
  }
  for (const edge of input.edges) graph.setEdge(edge.from, edge.to);
  layout(graph);
  const size = graph.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    nodes: input.nodes.map(({ id }) => {
      const n = graph.node(id);
      return { id, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
    }),
    edges: input.edges.map(({ from, to }) => ({ from, to, points: (graph.edge(from, to)?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) })),
  };
}
