import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/engine/errors.js';
import { MemoryRunStore } from '../../src/engine/store/index.js';
import { openExistingStore, projectRoot, requireRun, storePath, toRunResult } from '../../src/cli/store-location.js';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'weft-store-location-')));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** temp/project (package.json) / flows / nested, and temp/loose with no marker. */
const project = join(temp, 'project');
const nested = join(project, 'flows', 'nested');
const loose = join(temp, 'loose');
mkdirSync(nested, { recursive: true });
mkdirSync(loose);
writeFileSync(join(project, 'package.json'), '{}');

describe('storePath', () => {
  it("defaults to .weft/weft.db in the workflow's project: the nearest ancestor with a package.json", () => {
    expect(storePath({ workflowFile: 'flows/nested/build.yaml', cwd: project, env: {} })).toBe(join(project, '.weft', 'weft.db'));
  });

  it('looks from the workflow file, not from the current directory', () => {
    expect(storePath({ workflowFile: join(nested, 'build.yaml'), cwd: loose, env: {} })).toBe(join(project, '.weft', 'weft.db'));
  });

  it('takes a directory with .git as a project root too', () => {
    const repo = join(temp, 'repo');
    mkdirSync(join(repo, '.git', 'objects'), { recursive: true });
    mkdirSync(join(repo, 'sub'));
    expect(storePath({ workflowFile: 'sub/a.yaml', cwd: repo, env: {} })).toBe(join(repo, '.weft', 'weft.db'));
    expect(projectRoot(join(repo, 'sub'))).toBe(repo);
  });

  it("falls back to the workflow's own directory outside any project", () => {
    expect(projectRoot(loose)).toBeUndefined();
    expect(storePath({ workflowFile: 'a.yaml', cwd: loose, env: {} })).toBe(join(loose, '.weft', 'weft.db'));
  });

  it('searches from the current directory for commands without a workflow file', () => {
    expect(storePath({ cwd: nested, env: {} })).toBe(join(project, '.weft', 'weft.db'));
    expect(storePath({ cwd: loose, env: {} })).toBe(join(loose, '.weft', 'weft.db'));
  });

  it('uses WEFT_STORE over the default, and --store over both, relative to the current directory', () => {
    const env = { WEFT_STORE: 'from-env.db' };
    expect(storePath({ workflowFile: 'a.yaml', cwd: loose, env })).toBe(join(loose, 'from-env.db'));
    expect(storePath({ flag: '/abs/flag.db', cwd: loose, env })).toBe('/abs/flag.db');
    expect(storePath({ flag: 'rel/flag.db', cwd: loose, env })).toBe(join(loose, 'rel', 'flag.db'));
    expect(storePath({ cwd: loose, env: { WEFT_STORE: '' } })).toBe(join(loose, '.weft', 'weft.db'));
  });
});

describe('openExistingStore', () => {
  it('opens nothing, and creates nothing, where there is no store yet', () => {
    const file = join(loose, '.weft', 'weft.db');
    expect(openExistingStore(file)).toBeUndefined();
    expect(existsSync(join(loose, '.weft'))).toBe(false);
  });
});

describe('requireRun', () => {
  it('names the store and the way to list runs when the id is unknown', () => {
    const store = new MemoryRunStore();
    expect(() => requireRun(store, '/p/.weft/weft.db', 'r9')).toThrow(UsageError);
    expect(() => requireRun(undefined, '/p/.weft/weft.db', 'r9')).toThrow('no run r9 in /p/.weft/weft.db; `weft runs` lists them');
  });

  it('gives the run, shown without its definition', () => {
    const store = new MemoryRunStore();
    const definition = { text: 'x', hash: 'h', workdir: '/w' };
    store.createRun({ runId: 'r1', workflow: 'w', status: 'succeeded', startedAt: 't', inputs: {}, outputs: {}, tasks: {}, definition });
    const run = requireRun(store, 'f', 'r1');
    expect(run.definition).toEqual(definition);
    expect(toRunResult(run)).not.toHaveProperty('definition');
  });
});
