import { describe, expect, it } from 'vitest';
import { defineExecutor } from '../src/engine/executor.js';
import { MemoryRunStore } from '../src/engine/store/index.js';
import { WorkflowValidationError, type WorkflowDefinition } from '../src/index.js';
import { WorkflowEngine } from '../src/weft-engine.js';

const upper = defineExecutor({ name: 'upper', execute: (input: { text: string }) => ({ text: input.text.toUpperCase() }) });

/** Two tasks and an output, as an embedder would build them. */
function greeting(who: string): WorkflowDefinition {
  return {
    name: 'greet',
    inputs: { punctuation: { type: 'string', default: '!' } },
    tasks: {
      hello: { uses: 'echo', with: { text: `hello ${who}` } },
      shout: { uses: 'upper', needs: ['hello'], with: { text: '${{ tasks.hello.outputs.text }}${{ inputs.punctuation }}' } },
    },
    outputs: { greeting: '${{ tasks.shout.outputs.text }}' },
  };
}

function issuesOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowValidationError);
    return (error as WorkflowValidationError).format().split('\n');
  }
  throw new Error('expected the workflow to be rejected');
}

describe('WorkflowEngine.define', () => {
  it('runs a workflow built in code and gives its outputs', async () => {
    const engine = new WorkflowEngine({ executors: [upper] });
    const workflow = engine.define(greeting('world'));
    const result = await engine.run(workflow, { inputs: { punctuation: '?' } });
    expect(result.status).toBe('succeeded');
    expect(result.tasks.hello?.outputs).toEqual({ text: 'hello world' });
    expect(result.outputs).toEqual({ greeting: 'HELLO WORLD?' });
  });

  it('runs the workflow as defined, whatever happens to the object afterwards', async () => {
    const engine = new WorkflowEngine({ executors: [upper] });
    const definition = greeting('world');
    const workflow = engine.define(definition);
    definition.tasks.hello!.with!.text = 'goodbye';
    delete definition.tasks.shout;
    const result = await engine.run(workflow);
    expect(result.outputs).toEqual({ greeting: 'HELLO WORLD!' });
  });

  it('checks executors and pools as parse does, with the file named and no line or column', () => {
    const engine = new WorkflowEngine({ resources: { gpu: 1 } });
    const defined = issuesOf(() =>
      engine.define({ name: 'w', tasks: { shout: { uses: 'upper' }, train: { uses: 'echo', resources: { gpu: 1, tpu: 1 } } } }, 'generated'),
    );
    const parsed = issuesOf(() =>
      engine.parse('name: w\ntasks:\n  shout: { uses: upper }\n  train: { uses: echo, resources: { gpu: 1, tpu: 1 } }\n', 'w.yaml'),
    );
    expect(defined).toHaveLength(2);
    expect(defined).toEqual(parsed.map((line) => line.replace(/^w\.yaml:\d+:\d+:/, 'generated:')));
    expect(defined[0]).toMatch(/^generated: unknown executor `upper` in task `shout`/);
    engine.register(upper);
    expect(engine.define({ name: 'w', tasks: { shout: { uses: 'upper' }, train: { uses: 'echo', resources: { gpu: 1 } } } }).tasks).toHaveLength(2);
  });

  it('refuses what is not plain data before anything runs', () => {
    const engine = new WorkflowEngine();
    const definition = { name: 'w', tasks: { a: { uses: 'echo', with: { when: new Date(0) } } } };
    expect(issuesOf(() => engine.define(definition as unknown as WorkflowDefinition))).toEqual([
      '<definition>: `with.when` in task `a` is a Date; write it as text, e.g. with `toISOString()` (at tasks.a.with.when)',
    ]);
  });

  it('stores a run with its definition, so the run can be resumed', async () => {
    const store = new MemoryRunStore();
    let calls = 0;
    const gate = defineExecutor({
      name: 'gate',
      async execute(_: unknown, ctx) {
        if (++calls === 1) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        if (ctx.signal.aborted) throw ctx.signal.reason;
        return { opened: calls };
      },
    });
    const engine = new WorkflowEngine({ executors: [gate], store });
    // The label names a file that exists, and still is only a label: no notice that "the file changed".
    const definition: WorkflowDefinition = { name: 'gated', tasks: { first: { uses: 'echo', with: { n: 1 } }, gate: { uses: 'gate', needs: ['first'] } }, outputs: { opened: '${{ tasks.gate.outputs.opened }}' } };
    const workflow = engine.define(definition, 'package.json');
    const run = engine.start(workflow);
    run.on('task:start', (e) => e.taskId === 'gate' && setTimeout(() => run.cancel(), 10));
    expect((await run.result).status).toBe('cancelled');
    expect(store.getRun(run.id)?.definition?.file).toBeUndefined();
    const resuming = engine.resume(run.id);
    expect(resuming.notices).toEqual([]);
    const resumed = await resuming.result;
    expect(resumed.status).toBe('succeeded');
    expect(resumed.outputs).toEqual({ opened: 2 });
    expect(resumed.tasks.first?.attempts).toBe(1);
  });
});
