/**
 * Workflow files built to exhaust the loader: alias bombs, circular aliases, nesting
 * thousands deep, huge files and huge values, broken encodings. Each must end in a
 * located `WorkflowValidationError` (exit 2 from the CLI), never a crash.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WorkflowEngine } from '../../src/weft-engine.js';
import { readWorkflowFile } from '../../src/engine/load/index.js';
import { MAX_SCALAR_CHARS } from '../../src/engine/load/limits.js';
import { issueOf, load } from '../engine/load/helpers.js';
import { tempDir, validateThroughCli, validationError, writeFile, yaml } from './helpers.js';

const temp = tempDir('bombs');
afterAll(() => temp.remove());

const TASK = 'tasks: { t: { uses: echo } }';
/** Column of the first bracket beyond the nesting cap in `deepFlow`. */
const FLOW_COLUMN = '  t: { uses: echo, with: { a: '.length + 97;
const deepFlow = (depth: number) => yaml('name: deep', 'tasks:', `  t: { uses: echo, with: { a: ${'['.repeat(depth)}${']'.repeat(depth)} } }`);
function deepBlock(depth: number): string {
  const lines = ['name: deep', 'tasks:', '  t:', '    uses: echo', '    with:'];
  for (let i = 0; i < depth; i++) lines.push(`${' '.repeat(6 + i)}k${i}:`);
  lines.push(`${' '.repeat(6 + depth)}v: 1`);
  return yaml(...lines);
}

describe('aliases', () => {
  it('refuses a "billion laughs" alias bomb, pointing at the first alias', () => {
    const levels = ['  a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f']]) {
      levels.push(`  ${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const issue = issueOf(yaml('name: bomb', TASK, 'outputs:', ...levels));
    expect(issue.message).toMatch(/aliases expand too much/);
    expect([issue.line, issue.column]).toEqual([5, levels[1]!.indexOf('*a') + 1]);
  });

  it.each([
    ['in a flow list', ['name: x', 'tasks: { t: { uses: echo, with: { a: &a [1, *a] } } }'], '*a'],
    ['in a block mapping', ['name: x', 'tasks:', '  t:', '    uses: echo', '    with: &w', '      x: *w'], '*w'],
    ['redefining its own anchor', ['name: x', 'tasks: { t: { uses: echo } }', 'outputs: { a: &a [1], b: &a [*a] }'], '*a'],
  ])('refuses a circular alias %s instead of overflowing the stack', (_, lines, alias) => {
    const issue = issueOf(yaml(...lines));
    expect(issue.message).toMatch(/^alias `\*\w` points at a value that contains it/);
    expect([issue.line, issue.column]).toEqual([lines.length, lines[lines.length - 1]!.indexOf(alias) + 1]);
  });

  it('accepts an alias to a value defined before it', () => {
    const wf = load(yaml('name: x', 'tasks:', '  a: { uses: echo, with: &w { x: 1 } }', '  b: { uses: echo, with: *w }'));
    expect(wf.tasks[1]!.with.evaluate({} as never)).toEqual({ x: 1 });
  });
});

describe('nesting', () => {
  it('refuses flow and block nesting thousands deep, at the first level beyond the cap', () => {
    const flow = issueOf(deepFlow(100_000));
    expect(flow.message).toMatch(/nested more than 100 levels deep/);
    expect([flow.line, flow.column]).toEqual([3, FLOW_COLUMN]);
    const block = issueOf(deepBlock(2_000));
    expect(block.message).toMatch(/nested more than 100 levels deep/);
    expect(block.line).toBeGreaterThan(50);
    expect(block.line).toBeLessThan(110);
  });

  it('refuses several deep files in one `weft validate`, reporting each, the process alive to the end', async () => {
    const flow = writeFile(temp.dir, 'deep-flow.yaml', deepFlow(100_000));
    const block = writeFile(temp.dir, 'deep-block.yaml', deepBlock(2_000));
    const circular = writeFile(temp.dir, 'circular.yaml', yaml('name: x', 'tasks: { t: { uses: echo, with: { a: &a [1, *a] } } }'));
    const { stderr } = await validateThroughCli([flow, block, flow, circular]);
    expect(stderr).toContain(`${flow}:3:${FLOW_COLUMN}: values are nested more than 100 levels deep`);
    expect(stderr).toMatch(new RegExp(`${block}:\\d+:\\d+: values are nested more than 100 levels deep`));
    expect(stderr).toContain(`${circular}:2:45: alias \`*a\` points at a value that contains it`);
    expect(stderr).toContain('4 of 4 files invalid');
  }, 60_000);
});

describe('size', () => {
  it('refuses a 20 MB file from its size alone, through the CLI', async () => {
    const big = writeFile(temp.dir, 'big.yaml', `name: big\n${TASK}\n${'# padding padding padding\n'.repeat(800_000)}`);
    const { stderr } = await validateThroughCli([big]);
    expect(stderr).toContain(`${big}:1:1: workflow file is 19.8 MB; the limit is 10 MB`);
  }, 30_000);

  it('refuses a file over the cap before reading it', async () => {
    const big = writeFile(temp.dir, 'sparse.yaml', Buffer.alloc(0));
    const { truncateSync } = await import('node:fs');
    truncateSync(big, 20 * 1024 * 1024);
    const error = await readWorkflowFile(big).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toContain('workflow file is 20.0 MB; the limit is 10 MB');
  });

  it.each([
    ['quoted', (value: string) => `  t: { uses: echo, with: { a: "${value}" } }`, 3, 31],
    ['plain', (value: string) => `  t: { uses: echo, with: { a: ${value} } }`, 3, 31],
    ['block', (value: string) => `  t:\n    uses: echo\n    with:\n      a: |\n        ${value}`, 6, 10],
  ])('refuses a 2 MB %s value before building the document', (_, task, line, column) => {
    const issue = issueOf(yaml('name: x', 'tasks:', task('v'.repeat(2 * 1024 * 1024))));
    const limit = MAX_SCALAR_CHARS.toLocaleString('en');
    expect(issue.message).toMatch(new RegExp(`^a single value here is 2,097,1\\d\\d characters long; the limit is ${limit}\\. Keep large data in a file`));
    expect([issue.line, issue.column]).toEqual([line, column]);
  });
});

describe('encoding and layout', () => {
  it('reads a byte order mark and CRLF line endings, with the right line numbers', () => {
    const issue = issueOf('\uFEFFname: x\r\ntasks:\r\n  a: { uses: echo }\r\n  b: { uses: echo, needs: nope }\r\n');
    expect([issue.line, issue.column, issue.path]).toEqual([4, 27, 'tasks.b.needs']);
  });

  it('refuses invalid UTF-8 at the first bad byte, through the CLI', async () => {
    const bytes = Buffer.concat([Buffer.from('name: x\ntasks:\n  t: { run: "echo caf'), Buffer.from([0xc3, 0x28]), Buffer.from('" }\n')]);
    const file = writeFile(temp.dir, 'latin1.yaml', bytes);
    const { stderr } = await validateThroughCli([file]);
    expect(stderr).toContain(`${file}:3:22: the file is not valid UTF-8: byte 0xc3`);
  });

  it('accepts a U+FFFD written in the file as UTF-8', async () => {
    const file = writeFile(temp.dir, 'replacement.yaml', yaml('name: x', 'tasks:', '  t: { uses: echo, with: { a: "\uFFFD" } }'));
    const wf = await new WorkflowEngine().loadFile(file);
    expect(wf.tasks[0]!.with.evaluate({} as never)).toEqual({ a: '\uFFFD' });
  });

  it('refuses tabs as indentation, several documents, and duplicate keys, each where it is', () => {
    expect(issueOf('name: x\ntasks:\n\tt: { uses: echo }\n')).toMatchObject({ line: 3, column: 1, message: expect.stringMatching(/Tabs are not allowed/) });
    expect(issueOf(yaml('name: x', TASK, '---', 'name: y'))).toMatchObject({ line: 3, column: 1, message: expect.stringMatching(/holds 2 YAML documents/) });
    expect(issueOf(yaml('name: x', TASK, 'name: y'))).toMatchObject({ line: 3, column: 1, message: 'duplicate key `name`; each key may appear only once here' });
  });

  it.each(['!!js/function "function () { return 1 }"', '!!python/object/apply:os.system ["touch pwned"]', '!custom x'])(
    'refuses the custom tag in `%s` rather than ignoring it',
    (tagged) => {
      const error = validationError(() => load(yaml('name: x', 'tasks:', `  t: { uses: echo, with: { a: ${tagged} } }`)));
      expect(error.issues[0]).toMatchObject({ line: 3, column: 31, message: expect.stringMatching(/^unsupported YAML tag `!/) });
    },
  );
});
