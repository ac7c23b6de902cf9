import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../../src/observe/report/layout.js';

/** The flagship workflow's shape: `escalate` needs tasks on several ranks, so dagre routes long edges around the others. */
const issueToPr = {
  nodes: ['analyze', 'resolve', 'review', 'approve', 'open_pr', 'escalate'].map((id) => ({ id, title: id, subtitle: `${id} · succeeded · 1.2s` })),
  edges: [
    ['analyze', 'resolve'],
    ['resolve', 'review'],
    ['review', 'approve'],
    ['review', 'open_pr'],
    ['approve', 'open_pr'],
    ['analyze', 'escalate'],
    ['resolve', 'escalate'],
    ['review', 'escalate'],
    ['approve', 'escalate'],
    ['open_pr', 'escalate'],
  ].map(([from, to]) => ({ from: from!, to: to! })),
};

describe('layoutGraph', () => {
  it('keeps every node and every bend of every edge inside the drawing, so nothing is clipped', () => {
    const layout = layoutGraph(issueToPr);
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
    const points = layout.edges.flatMap((e) => e.points);
    expect(points.length).toBeGreaterThan(issueToPr.edges.length);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(layout.width);
      expect(p.y).toBeLessThanOrEqual(layout.height);
    }
  });

  it('lays out an empty graph as an empty drawing', () => {
    expect(layoutGraph({ nodes: [], edges: [] })).toEqual({ width: 0, height: 0, nodes: [], edges: [] });
  });
});
