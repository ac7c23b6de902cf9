import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, WorkflowValidationError } from '../../../src/engine/errors.js';
import type { WorkflowIssue } from '../../../src/engine/errors.js';
import { loadDefinition, loadWorkflow, MAX_SCALAR_CHARS } from '../../../src/engine/load/index.js';
import type { WorkflowDefinition } from '../../../src/engine/load/index.js';
import type { CompiledWorkflow, ExpressionContext } from '../../../src/engine/types.js';
import { executors } from './helpers.js';

const define = (value: unknown, file?: string) => loadDefinition(value, { executors, file });

/** The issues defining `value` reports; fails the test if it loads. */
function issuesOf(value: unknown): WorkflowIssue[] {
  try {
    define(value);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowValidationError);
    return [...(error as WorkflowValidationError).issues];
  }
  throw new Error('expected the definition to be rejected, but it loaded');
}

function issueOf(value: unknown): WorkflowIssue {
  const issues = issuesOf(value);
  expect(issues.map(formatIssue)).toHaveLength(1);
  return issues[0]!;
}

/** A workflow with one `echo` task whose `with` is `input`. */
const withInput = (input: unknown) => ({ name: 'w', tasks: { a: { uses: 'echo', with: input } } });

/** test/engine/load/fixtures/release-notes.yaml, written as an object. */
const releaseNotes: WorkflowDefinition = {
  name: 'release-notes',
  description: 'Collects merged pull requests and writes release notes.',
  inputs: {
    repo: { type: 'string', required: true, description: 'owner/name of the repository' },
    items: { type: 'array', default: ['a', 'b'] },
  },
  env: { LOG_LEVEL: 'info', RETRIES: 3 },
  defaults: { retry: { maxAttempts: 3, delay: '1s' }, timeout: '10m' },
  concurrency: 4,
  resources: { gpu: 1, llm: 2 },
  failFast: false,
  timeout: '1h',
  tasks: {
    fetch: { run: './scripts/fetch.sh ${{ inputs.repo }}' },
    build: {
      needs: ['fetch'],
      forEach: '${{ inputs.items }}',
      uses: 'echo',
      with: { name: 'pkg-${{ item }}', position: '${{ index }}', source: '${{ tasks.fetch.outputs }}' },
      resources: { llm: 1 },
      priority: 10,
    },
    notify: {
      needs: 'build',
      trigger: 'all_done',
      if: "${{ tasks.build.status == 'succeeded' }}",
      uses: 'shell',
      with: { run: 'echo done' },
      env: { A: 'b', LOG_LEVEL: 'debug' },
      retry: { maxAttempts: 5, backoff: 'exponential', delay: '200ms', factor: 2, maxDelay: '30s', jitter: 'full', retryOn: ['NONZERO_EXIT'] },
      timeout: '30s',
      continueOnError: true,
      description: 'Says it is done.',
    },
  },
  outputs: { names: '${{ tasks.build.outputs }}', fetched: '${{ tasks.fetch.status }}' },
};

const context: ExpressionContext = {
  inputs: { repo: 'acme/weft', items: ['a', 'b'] },
  env: {},
  tasks: { fetch: { status: 'succeeded', outputs: { prs: 3 } }, build: { status: 'succeeded', outputs: ['pkg-a', 'pkg-b'] } },
  run: { id: 'r1' },
  workflow: { name: 'release-notes' },
  item: 'b',
  index: 1,
};

/** The workflow with every compiled template replaced by what it is and what it gives, and locations left out. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const template = value as { evaluate?: unknown; isStatic?: boolean; taskRefs?: readonly string[] };
  if (typeof template.evaluate === 'function') {
    const evaluate = template.evaluate as (context: ExpressionContext) => unknown;
    return { isStatic: template.isStatic, taskRefs: template.taskRefs, value: evaluate.call(template, context) };
  }
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'location').map(([key, item]) => [key, comparable(item)]));
}

describe('loadDefinition', () => {
  it('compiles an object to the same workflow as the equivalent YAML text, apart from line and column', () => {
    const text = readFileSync(new URL('./fixtures/release-notes.yaml', import.meta.url), 'utf8');
    const fromText = loadWorkflow(text, { executors, file: 'release-notes.yaml' });
    const { source, defined, ...fromObject } = define(releaseNotes, 'release-notes.yaml');
    expect(defined).toBe(true);
    expect(comparable(fromObject)).toEqual(comparable(fromText));
    // The text a stored run resumes from: the definition as JSON, which is YAML.
    expect(comparable(loadWorkflow(source!, { executors, file: 'release-notes.yaml' }))).toEqual(comparable(fromText));
    expect(fromObject.tasks.map((task) => task.location)).toEqual(
      fromText.tasks.map((task) => ({ file: 'release-notes.yaml', line: 0, column: 0, path: task.location.path })),
    );
    expect(fromText.tasks.every((task) => task.location.line > 0)).toBe(true);
  });

  it('names the file `<definition>` unless told otherwise', () => {
    const workflow = define({ name: 'w', tasks: { a: { uses: 'echo' } } });
    expect(workflow.file).toBe('<definition>');
    expect(workflow.tasks[0]!.location).toEqual({ file: '<definition>', line: 0, column: 0, path: 'tasks.a' });
  });

  it('reports what the YAML loader reports, by path, without a line or column', () => {
    const issues = issuesOf({ name: 'w', tasks: { a: { uses: 'ech' }, b: { uses: 'echo', needs: ['zz'] }, c: { uses: 7 } } });
    expect(issues.map(formatIssue)).toEqual([
      "<definition>: `uses` in task `c` must be text, got `7` (at tasks.c.uses)",
      '<definition>: unknown executor `ech` in task `a`; did you mean `echo`? (available: `shell`, `echo` and `http`) (at tasks.a.uses)',
      '<definition>: task `b` needs `zz`, which is not a task (at tasks.b.needs[0])',
    ]);
    // The YAML loader's hint about unquoted values makes no sense for an object.
    expect(issues[0]!.message).not.toContain('YAML');
    expect(issues.every((issue) => issue.line === 0 && issue.column === 0)).toBe(true);
  });

  it('keeps env numbers and booleans as their text', () => {
    const workflow = define({ name: 'w', env: { N: 1.5, B: true }, tasks: { a: { uses: 'echo' } } });
    expect(workflow.tasks[0]!.env.evaluate(context)).toEqual({ N: '1.5', B: 'true' });
  });

  it('leaves out properties set to undefined, as JSON.stringify does', () => {
    const workflow = define({ name: 'w', description: undefined, tasks: { a: { uses: 'echo', needs: undefined } } });
    expect(workflow.description).toBeUndefined();
    expect(workflow.tasks[0]!.needs).toEqual([]);
  });

  it('copies an object that sits at several places to each of them', () => {
    const shared = { text: 'same' };
    const workflow = define({ name: 'w', tasks: { a: { uses: 'echo', with: shared }, b: { uses: 'echo', with: shared } } });
    expect(workflow.tasks.map((task) => task.with.evaluate(context))).toEqual([{ text: 'same' }, { text: 'same' }]);
  });
});

describe('loadDefinition refuses what is not plain data, naming where it is and what to do', () => {
  class Point {
    x = 1;
  }
  const accessor = Object.defineProperty({}, 'text', { get: () => 'hi', enumerable: true });
  const hidden = Object.defineProperty({}, 'text', { value: 'hi', enumerable: false });
  const named = Object.assign(['x'], { extra: 1 });
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['a function', { f: () => 1 }, 'tasks.a.with.f', /is a function.*call it and put its result here/],
    ['a symbol', { s: Symbol('s') }, 'tasks.a.with.s', /is a symbol; use text/],
    ['a BigInt', { b: 1n }, 'tasks.a.with.b', /is a BigInt; use a number or text/],
    ['NaN', { n: Number.NaN }, 'tasks.a.with.n', /is `NaN`; use a finite number/],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'tasks.a.with.n', /is an infinite number; use a finite number/],
    ['a Date', { d: new Date(0) }, 'tasks.a.with.d', /is a Date; write it as text, e\.g\. with `toISOString\(\)`/],
    ['a Map', { m: new Map() }, 'tasks.a.with.m', /is a Map; pass a plain object/],
    ['a Set', { s: new Set() }, 'tasks.a.with.s', /is a Set; pass an array/],
    ['a RegExp', { r: /x/ }, 'tasks.a.with.r', /is a RegExp/],
    ['a boxed string', { s: new String('x') }, 'tasks.a.with.s', /is a boxed primitive/],
    ['binary data', { b: new Uint8Array(2) }, 'tasks.a.with.b', /is binary data/],
    ['a class instance', { p: new Point() }, 'tasks.a.with.p', /is an instance of `Point`, not plain data/],
    ['an array subclass', { l: new (class List extends Array {})() }, 'tasks.a.with.l', /is a list of another class \(List\); pass a plain array/],
    ['a Proxy', { p: new Proxy({}, {}) }, 'tasks.a.with.p', /is a Proxy.*pass the plain object it wraps/],
    ['a getter', accessor, 'tasks.a.with.text', /is a getter or setter.*give it a plain value/],
    ['a non-enumerable property', hidden, 'tasks.a.with.text', /is a non-enumerable property/],
    ['a symbol key', { [Symbol('k')]: 1 }, 'tasks.a.with', /has a symbol key \(`k`\); use text keys/],
    ['undefined in a list', { l: [1, undefined] }, 'tasks.a.with.l[1]', /is `undefined`; a list item must be a value: remove it or use null/],
    ['a hole in a list', { l: [1, , 3] }, 'tasks.a.with.l[1]', /is a hole in a sparse list/],
    ['a list with a named property', { l: named }, 'tasks.a.with.l', /is a list with a named property `extra`; a list holds only its items/],
    ['a text too long', { t: 'x'.repeat(MAX_SCALAR_CHARS + 1) }, 'tasks.a.with.t', /is 1,048,577 characters long; the limit is 1,048,576/],
  ];

  it.each(cases)('%s', (_, input, path, message) => {
    const issue = issueOf(withInput(input));
    expect(issue).toMatchObject({ file: '<definition>', line: 0, column: 0, path });
    expect(issue.message).toMatch(message);
    expect(formatIssue(issue)).toMatch(new RegExp(`^<definition>: .* \\(at ${path.replace(/[.[\]]/g, '\\$&')}\\)$`));
  });

  it.each([
    ['a list', [], 'a list'],
    ['null', null, 'nothing'],
    ['text', 'name: w', 'text'],
    ['a class instance', new (class Workflow {})(), 'an instance of `Workflow`'],
  ])('refuses %s as the whole definition', (_, value, kind) => {
    expect(issueOf(value).message).toBe(`a workflow definition must be a plain object with keys such as \`name\` and \`tasks\`, but it is ${kind}`);
  });

  it('accepts objects without a prototype', () => {
    const task = Object.assign(Object.create(null) as object, { uses: 'echo' });
    expect(define({ name: 'w', tasks: { a: task } }).tasks[0]!.uses).toBe('echo');
  });

  it('lists every problem at once, in the order written', () => {
    const issues = issuesOf({ name: 'w', tasks: { a: { uses: 'echo', with: { f: () => 1, n: Number.NaN } }, b: { uses: 'echo', needs: [undefined] } } });
    expect(issues.map((issue) => issue.path)).toEqual(['tasks.a.with.f', 'tasks.a.with.n', 'tasks.b.needs[0]']);
  });
});

describe('loadDefinition and hostile objects', () => {
  it('refuses an object that contains itself, naming both places', () => {
    const task: Record<string, unknown> = { uses: 'echo', with: {} };
    (task.with as Record<string, unknown>).loop = task;
    const issue = issueOf({ name: 'w', tasks: { a: task } });
    expect(issue.path).toBe('tasks.a.with.loop');
    expect(issue.message).toMatch(/is `tasks\.a` again, which holds it.*must be a tree/);
    const list: unknown[] = [];
    list.push(list);
    expect(issueOf(withInput({ list })).path).toBe('tasks.a.with.list[0]');
    const root: Record<string, unknown> = { name: 'w', tasks: {} };
    root.tasks = { a: { uses: 'echo', with: root } };
    expect(issueOf(root).message).toMatch(/is the whole definition again/);
  });

  it('never calls a getter, a proxy trap or toJSON', () => {
    let calls = 0;
    const trap = () => {
      calls++;
      throw new Error('called');
    };
    const getter = Object.defineProperty({}, 'x', { get: trap, enumerable: true });
    const proxy = new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, has: trap });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const issues = issuesOf({ name: 'w', tasks: { a: { uses: 'echo', with: { getter, proxy, revoked: revoked.proxy, json: { toJSON: trap } } } } });
    expect(issues.map((issue) => issue.path)).toEqual(['tasks.a.with.getter.x', 'tasks.a.with.proxy', 'tasks.a.with.revoked', 'tasks.a.with.json.toJSON']);
    expect(issueOf(proxy).message).toMatch(/but it is a Proxy/);
    expect(calls).toBe(0);
  });

  it('refuses `__proto__`, `constructor` and `prototype` as names without touching Object.prototype', () => {
    const tasks = JSON.parse('{"__proto__": {"uses": "echo"}, "constructor": {"uses": "echo"}, "prototype": {"uses": "echo"}}') as unknown;
    const issues = issuesOf({ name: 'w', tasks });
    expect(issues.map((issue) => issue.path)).toEqual(['tasks.__proto__', 'tasks.constructor', 'tasks.prototype']);
    expect(issues[0]!.message).toMatch(/cannot be used as a task id/);
    expect(({} as Record<string, unknown>).uses).toBeUndefined();
  });

  it('keeps `__proto__` inside `with` as an ordinary key, never as a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "text": "hi"}') as unknown;
    const value = define(withInput(input)).tasks[0]!.with.evaluate(context);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'text']);
    expect((value as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses deep nesting at once, without overflowing the stack', () => {
    const root: Record<string, unknown> = {};
    let at = root;
    for (let depth = 0; depth < 100_000; depth++) at = (at.x = {}) as Record<string, unknown>;
    const issue = issueOf(withInput(root));
    expect(issue.message).toBe('values are nested more than 100 levels deep here; flatten the structure');
    expect(issue.path.split('.')).toHaveLength(100);
  });

  it('allows the same nesting as YAML text', () => {
    const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : [nested(levels - 1)]);
    const text = (levels: number) => `name: w\ntasks:\n  a:\n    uses: echo\n    with:\n      v: ${'['.repeat(levels)}leaf${']'.repeat(levels)}\n`;
    expect(() => loadWorkflow(text(96), { executors })).not.toThrow();
    expect(() => define(withInput({ v: nested(96) }))).not.toThrow();
    expect(() => loadWorkflow(text(97), { executors })).toThrow(/nested more than 100 levels/);
    expect(() => define(withInput({ v: nested(97) }))).toThrow(/nested more than 100 levels/);
  });

  it('refuses an object shared so often that copying it would never end', () => {
    let bomb: unknown = ['x'.repeat(1000)];
    for (let level = 0; level < 60; level++) bomb = [bomb, bomb];
    const started = Date.now();
    const issue = issueOf(withInput(bomb));
    expect(issue.message).toBe('the definition is more than 10 MB as JSON (each place of a shared object counted), the most a workflow file may hold; split it into smaller workflows');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lists at most 100 problems', () => {
    const input = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, () => i]));
    expect(issuesOf(withInput(input))).toHaveLength(100);
  });
});

describe('a defined workflow is a copy', () => {
  it('does not change when the object does, and never changes the object', () => {
    const definition = { name: 'w', tasks: { a: { uses: 'echo', with: { text: 'before', list: [1] } } } };
    const workflow: CompiledWorkflow = define(definition);
    definition.tasks.a.with.text = 'after';
    definition.tasks.a.with.list.push(2);
    definition.name = 'renamed';
    expect(workflow.name).toBe('w');
    expect(workflow.tasks[0]!.with.evaluate(context)).toEqual({ text: 'before', list: [1] });
  });

  it('leaves an invalid object as it was (invalid values are removed from the copy only)', () => {
    const definition = { name: 'w', tasks: { a: { uses: 'echo', retry: { maxAttempts: 'many' }, colour: 'red' } } };
    const before = structuredClone(definition);
    expect(() => define(definition)).toThrow(WorkflowValidationError);
    expect(definition).toEqual(before);
  });
});

describe('formatIssue', () => {
  it('prints line and column only when there are some', () => {
    const issue = { file: 'w.yaml', line: 3, column: 5, path: 'tasks.a', message: 'bad' };
    expect(formatIssue(issue)).toBe('w.yaml:3:5: bad (at tasks.a)');
    expect(formatIssue({ ...issue, file: '<definition>', line: 0, column: 0 })).toBe('<definition>: bad (at tasks.a)');
    expect(formatIssue({ ...issue, file: '<definition>', line: 0, column: 0, path: '' })).toBe('<definition>: bad');
  });
});
