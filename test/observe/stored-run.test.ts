import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../src/engine/store/index.js';
import { viewStoredRun } from '../../src/observe/stored-run.js';
import { saveTimeline, timelinePath } from '../../src/observe/stored-timeline.js';
import { TimelineRecorder } from '../../src/observe/timeline.js';
import { engineWith } from '../helpers/engine.js';

const TEXT = `
name: stored
tasks:
  a: { run: "echo from a" }
  b: { needs: a, uses: echo, with: { x: 1 } }
`;

async function storedRun() {
  const store = new MemoryRunStore();
  const engine = engineWith([], { store });
  const workflow = engine.parse(TEXT, 'stored.yaml');
  const run = engine.start(workflow);
  const recorder = new TimelineRecorder(workflow).attach(run);
  const result = await run.result;
  const record = store.getRun(result.runId)!;
  record.definition = { text: TEXT, hash: 'h', workdir: '.' };
  return { store, engine, record, timeline: recorder.timeline, storeFile: join(mkdtempSync(join(tmpdir(), 'weft-stored-')), 'weft.db') };
}

describe('viewStoredRun', () => {
  it('uses the timeline saved beside the store', async () => {
    const { store, engine, record, timeline, storeFile } = await storedRun();
    expect(saveTimeline(storeFile, timeline)).toBe(timelinePath(storeFile, record.runId));
    const view = viewStoredRun({ store, storeFile, run: record, compile: (text) => engine.parse(text) });
    expect(view.detailed).toBe(true);
    expect(view.timeline).toEqual(timeline);
    expect(view.insights.criticalPath.tasks).toEqual(['a', 'b']);
    expect(view.logs.a).toEqual(['from a']);
  });

  it('rebuilds a timeline from task results, and the graph from the YAML when it cannot compile', async () => {
    const { store, record, storeFile } = await storedRun();
    const view = viewStoredRun({
      store,
      storeFile,
      run: record,
      compile: () => {
        throw new Error('executor not registered');
      },
    });
    expect(view.detailed).toBe(false);
    expect(view.tasks).toEqual([
      { id: 'a', needs: [], uses: 'shell' },
      { id: 'b', needs: ['a'], uses: 'echo' },
    ]);
    expect(view.timeline.attempts.map((a) => [a.taskId, a.executor, a.status])).toEqual([
      ['a', 'shell', 'succeeded'],
      ['b', 'echo', 'succeeded'],
    ]);
    expect(view.insights.criticalPath.tasks).toEqual(['a', 'b']);
  });
});
