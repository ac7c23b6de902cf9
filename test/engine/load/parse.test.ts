import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_NESTING_DEPTH } from '../../../src/engine/load/parse.js';
import { issueOf, issuesOf, load, yaml } from './helpers.js';

describe('parsing workflow text', () => {
  it('reads a file with a byte order mark and CRLF line endings, with correct lines', () => {
    const text = '\uFEFF' + yaml('name: crlf', 'tasks:', '  a:', '    run: echo hi', '    bogus: 1').replace(/\n/g, '\r\n');
    const issue = issueOf(text);
    expect(issue).toMatchObject({ line: 5, column: 5, path: 'tasks.a.bogus' });

    const wf = load(text.replace('    bogus: 1\r\n', ''));
    expect(wf.tasks[0]!.location).toMatchObject({ line: 3, column: 3 });
  });

  it('reports a YAML syntax error with its position', () => {
    const [issue] = issuesOf(yaml('name: x', 'tasks:', '  a: run: echo', '  b: 1'));
    expect(issue!.message).toMatch(/^YAML syntax error: /);
    expect(issue).toMatchObject({ line: 3, path: '' });
  });

  it('rejects an empty file and one whose top level is not a mapping', () => {
    expect(issueOf('').message).toMatch(/empty/);
    expect(issueOf('# just a comment\n').message).toMatch(/empty/);
    expect(issueOf(yaml('- a', '- b')).message).toMatch(/must be a mapping.*holds a list/);
    expect(issueOf('hello\n').message).toMatch(/holds a single value/);
  });

  it('rejects several documents in one file, pointing at the second', () => {
    const issue = issueOf(yaml('name: a', 'tasks: { a: { run: x } }', '---', 'name: b'));
    expect(issue.message).toMatch(/2 YAML documents/);
    expect(issue.line).toBe(3);
  });

  it('rejects custom and unknown tags instead of ignoring them', () => {
    const issues = issuesOf(yaml('name: !!js/function "function () {}"', 'tasks:', '  a: { run: !shell x }'));
    expect(issues.map((issue) => [issue.line, issue.message])).toEqual([
      [1, expect.stringMatching(/unsupported YAML tag `!!js\/function`/)],
      [3, expect.stringMatching(/unsupported YAML tag `!shell`/)],
    ]);
  });

  it('reports a duplicate task id at the second occurrence', () => {
    const issue = issueOf(yaml('name: x', 'tasks:', '  a: { run: one }', '  a: { run: two }'));
    expect(issue).toMatchObject({ line: 4, column: 3, path: 'tasks.a' });
    expect(issue.message).toMatch(/^duplicate task id `a`/);
  });

  it('reports duplicate keys anywhere, together with other problems', () => {
    const issues = issuesOf(yaml('name: x', 'tasks:', '  a:', '    run: one', '    run: two', '    needz: []'));
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['tasks.a.run', expect.stringMatching(/^duplicate key `run`/)],
      ['tasks.a.needz', expect.stringMatching(/^unknown key `needz`/)],
    ]);
    expect(issues[0]).toMatchObject({ line: 5, column: 5 });
  });

  it('caps the file size, saying what the cap is', () => {
    const text = `name: big\ndescription: "${'x'.repeat(MAX_FILE_BYTES)}"\ntasks: { a: { run: x } }\n`;
    expect(issueOf(text).message).toMatch(/the limit is 10 MB/);
  });

  it('rejects deep flow nesting without overflowing the stack', () => {
    const depth = 100_000;
    const issue = issueOf(`name: x\ntasks: { a: { uses: echo, with: { v: ${'['.repeat(depth)}${']'.repeat(depth)} } } }\n`);
    expect(issue.message).toMatch(`nested more than ${MAX_NESTING_DEPTH} levels`);
  });

  it('rejects deep block nesting without overflowing the stack', () => {
    const compact = issueOf(`name: x\ntasks: { a: { uses: echo } }\nextra:\n${'- '.repeat(50_000)}x\n`);
    expect(compact).toMatchObject({ line: 4, message: expect.stringMatching(/nested more than/) });

    const indented = Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const mappings = issueOf(`name: x\ntasks: { a: { uses: echo } }\nextra:\n${indented} 1\n`);
    expect(mappings.message).toMatch(/nested more than/);
  });

  it('rejects odd deep input that the yaml parser itself would recurse on', () => {
    const issue = issueOf(`name: x\ntasks: { a: { uses: echo, with: { v: \n${'- '.repeat(50_000)}x\n } } }\n`);
    expect(issue.message).toMatch(/nested more than/);
  });

  it('accepts nesting up to the cap', () => {
    const nested = `${'['.repeat(MAX_NESTING_DEPTH - 4)}1${']'.repeat(MAX_NESTING_DEPTH - 4)}`;
    const wf = load(`name: x\ntasks: { a: { uses: echo, with: { v: ${nested} } } }\n`);
    expect(wf.tasks).toHaveLength(1);
  });

  it('caps alias expansion ("billion laughs")', () => {
    const text = yaml(
      'name: x',
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'tasks: { a: { run: x } }',
    );
    expect(issueOf(text).message).toMatch(/aliases expand too much/);
  });

  it('allows a few anchors and merge keys to share settings', () => {
    const wf = load(
      yaml(
        'name: x',
        'tasks:',
        '  a: &base { uses: echo, priority: 3, with: { v: 1 } }',
        '  b:',
        '    <<: *base',
        '    needs: a',
      ),
    );
    expect(wf.tasks.map((task) => [task.id, task.priority, task.needs])).toEqual([
      ['a', 3, []],
      ['b', 3, ['a']],
    ]);
  });

  it('says to quote an expression inside a flow mapping, once per line', () => {
    const issues = issuesOf(yaml('name: x', 'tasks:', '  ship: { run: echo shipped by ${{ inputs.x }} }'));
    const hints = issues.filter((issue) => issue.message.includes('must be quoted'));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatchObject({ line: 3 });
    expect(issuesOf(yaml('name: x', 'tasks:', '  a: { uses: echo', '  b: 1')).some((issue) => issue.message.includes('must be quoted'))).toBe(false);
  });
});
