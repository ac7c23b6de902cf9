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
/** Space between the drawing and the SVG's edge, for arrowheads and node borders. */
const MARGIN = 12;

export function layoutGraph(input: LayoutInput): GraphLayout {
  const graph = new Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 20, ranksep: 40, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of input.nodes) {
    const text = Math.max(node.title.length * TITLE_CHAR_WIDTH, (node.subtitle?.length ?? 0) * SUBTITLE_CHAR_WIDTH);
    graph.setNode(node.id, { width: Math.max(MIN_WIDTH, Math.ceil(text) + PADDING), height: NODE_HEIGHT });
  }
  for (const edge of input.edges) graph.setEdge(edge.from, edge.to);
  layout(graph);
  const nodes = input.nodes.map(({ id }): LayoutNode => {
    const n = graph.node(id);
    return { id, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  });
  const edges = input.edges.map(({ from, to }): LayoutEdge => ({
    from,
    to,
    points: (graph.edge(from, to)?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })),
  }));
  return fitToContent(nodes, edges);
}

/**
 * dagre sizes the graph by its nodes only, but routes long edges around them, so an
 * edge's bends can lie outside that box and be clipped by the SVG. The box here
 * holds every node and every edge point.
 */
function fitToContent(nodes: LayoutNode[], edges: LayoutEdge[]): GraphLayout {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const include = (x: number, y: number): void => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  };
  for (const n of nodes) {
    include(n.x, n.y);
    include(n.x + n.width, n.y + n.height);
  }
  for (const e of edges) for (const p of e.points) include(p.x, p.y);
  if (minX === Infinity) return { width: 0, height: 0, nodes, edges };
  const dx = MARGIN - minX;
  const dy = MARGIN - minY;
  return {
    width: Math.ceil(maxX - minX + 2 * MARGIN),
    height: Math.ceil(maxY - minY + 2 * MARGIN),
    nodes: nodes.map((n) => ({ ...n, x: n.x + dx, y: n.y + dy })),
    edges: edges.map((e) => ({ ...e, points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) })),
  };
}
