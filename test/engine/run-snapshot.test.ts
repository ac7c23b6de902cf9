import { describe, expect, it } from 'vitest';
import { WorkflowEngine } from '../../src/index.js';

const WORKFLOW = `
name: lazy-tasks
tasks:
  fan: { uses: echo, forEach: '\${{ fromJSON(''[1, 2]'') }}', with: { n: '\${{ item }}' } }
  after: { uses: echo, needs: fan }
`;

async function run() {
  const engine = new WorkflowEngine();
  const workflow = engine.parse(WORKFLOW, 'lazy.yaml');
  return { engine, result: await engine.run(workflow) };
}

describe("a run's tasks record", () => {
  it('is made when first read, lists forEach instances after their aggregate, and is the same record at every read', async () => {
    const { result } = await run();
    expect(Object.getOwnPropertyDescriptor(result, 'tasks')).toMatchObject({ enumerable: true, get: expect.any(Function) });
    expect(Object.keys(result)).toContain('tasks');
    expect(Object.keys(result.tasks)).toEqual(['fan', 'fan[0]', 'fan[1]', 'after']);
    expect(result.tasks['fan[1]']).toMatchObject({ status: 'succeeded', outputs: { n: 2 } });
    expect(result.tasks).toBe(result.tasks);
  });

  it('comes along when the result is serialized, spread or cloned, and can be replaced', async () => {
    const { result } = await run();
    expect(JSON.parse(JSON.stringify(result)).tasks.after.status).toBe('succeeded');
    expect({ ...result }.tasks.fan?.outputs).toEqual([{ n: 1 }, { n: 2 }]);
    expect(structuredClone(result).tasks['fan[0]']?.status).toBe('succeeded');
    const { result: other } = await run();
    other.tasks = {};
    expect(other.tasks).toEqual({});
  });

  it('is still read from a result frozen before anyone read it', async () => {
    const { result } = await run();
    Object.freeze(result);
    expect(result.tasks.after?.status).toBe('succeeded');
  });

  it('is what the store holds for the run', async () => {
    const { engine, result } = await run();
    expect(Object.keys(engine.runs.get(result.runId)!.tasks)).toEqual(['fan', 'fan[0]', 'fan[1]', 'after']);
  });
});
