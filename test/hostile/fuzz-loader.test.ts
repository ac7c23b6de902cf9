/**
 * Property tests of the loader: random YAML, random text, and random mutations of
 * every example in workflows/. Whatever the input, loading either gives a workflow
 * or throws a `WorkflowValidationError` whose issues are all located — never any
 * other error, and never a change to `Object.prototype`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { WorkflowValidationError } from '../../src/engine/errors.js';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { REPO_ROOT } from '../e2e/cli-process.js';

const engine = new WorkflowEngine();
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).join();

/** Loads `text`; fails unless the outcome is a workflow or a fully located `WorkflowValidationError`. */
function loadsOrExplains(text: string): void {
  try {
    const workflow = engine.parse(text, 'fuzz.yaml');
    expect(typeof workflow.name).toBe('string');
    expect(Array.isArray(workflow.tasks)).toBe(true);
  } catch (error) {
    if (!(error instanceof WorkflowValidationError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.file).toBe('fuzz.yaml');
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.message).not.toBe('');
      expect(issue.message).not.toMatch(/[\u0000-\u001f]/);
    }
  }
  expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(PROTOTYPE_KEYS);
}

const WORDS = ['name', 'tasks', 'env', 'inputs', 'outputs', 'defaults', 'uses', 'run', 'with', 'needs', 'if', 'forEach', 'retry', 'timeout', 'maxAttempts', 'delay', 'resources', 'trigger', 'fallback', 'echo', 'shell', 'a', 'b', '__proto__', 'constructor', 'PATH', 'LD_PRELOAD', 'type', 'default'];
const SCALARS = fc.oneof(
  fc.constantFrom(...WORDS, '${{ inputs.x }}', '${{ tasks.a.outputs }}', '${{', '}}', '1.10', '0777', '.inf', '-1', '2147483648', '1e309', '600h', 'true', ''),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, SCALARS, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.constantFrom(...WORDS), tie('node'), { maxKeys: 5 }),
})).node;

/** Something close to a workflow, so that fuzzing reaches past the first checks. */
const workflowLike = fc.record({
  name: SCALARS,
  tasks: fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', 'x/y'), value, { maxKeys: 4 }),
  env: value,
  inputs: value,
  outputs: value,
}, { requiredKeys: ['tasks'] });

const SNIPPETS = ['[', ']', '{', '}', '&a ', '*a', '*b', '<<: *a', '${{', '}}', '${{ tasks.a.outputs }}', '\t', '---\n', '...\n', '!!js/function ', '!!binary ', ': ', '- ', '? ', '\n', '"', "'", '|', '>', '#', '\u0000', '\uFEFF', '\r', '%YAML 1.1\n', '0777', '.inf', '__proto__', 'needs: [a]', 'needs: ' ];

/** One edit of `text`: insert a snippet, delete a span, duplicate or cut a line. */
const mutation = (text: string) =>
  fc.oneof(
    fc.tuple(fc.nat(text.length), fc.constantFrom(...SNIPPETS)).map(([at, snippet]) => text.slice(0, at) + snippet + text.slice(at)),
    fc.tuple(fc.nat(text.length), fc.nat(40)).map(([at, length]) => text.slice(0, at) + text.slice(at + length)),
    fc.nat(text.length).map((at) => {
      const start = text.lastIndexOf('\n', at) + 1;
      const end = text.indexOf('\n', at);
      const line = text.slice(start, end < 0 ? text.length : end + 1);
      return text.slice(0, start) + line + line + text.slice(start + line.length);
    }),
    fc.nat(text.length).map((at) => text.slice(0, at)),
  );

const examples = readdirSync(join(REPO_ROOT, 'workflows'))
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => [file, readFileSync(join(REPO_ROOT, 'workflows', file), 'utf8')] as const);

describe('the loader, fuzzed', () => {
  it('loads or explains any YAML value', () => {
    fc.assert(fc.property(value, (data) => loadsOrExplains(stringify(data))), { numRuns: 300 });
  });

  it('loads or explains any workflow-like YAML', () => {
    fc.assert(fc.property(workflowLike, (data) => loadsOrExplains(stringify(data))), { numRuns: 500 });
  });

  it('loads or explains any text', () => {
    const char = fc.constantFrom(...'ab: -[]{},&*!|>\'"#%@`\n\t\r\\$'.split(''), '${{', '}}', '\u0000', '\uFEFF', 'é');
    fc.assert(fc.property(fc.array(char, { maxLength: 80 }), (chars) => loadsOrExplains(chars.join(''))), { numRuns: 500 });
  });

  it.each(examples)('loads or explains every mutation of workflows/%s', (_, text) => {
    loadsOrExplains(text);
    const mutated = fc.array(fc.nat(), { minLength: 1, maxLength: 4 }).chain((seeds) =>
      seeds.reduce<fc.Arbitrary<string>>((arbitrary) => arbitrary.chain(mutation), fc.constant(text)),
    );
    fc.assert(fc.property(mutated, loadsOrExplains), { numRuns: 150 });
  });
});
