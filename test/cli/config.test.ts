import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, findConfigFile, loadConfig, resolveConfig } from '../../src/cli/config.js';

const root = mkdtempSync(join(tmpdir(), 'weft-config-'));
let counter = 0;

/** A fresh directory holding a weft.config.mjs with this text (a fresh path, so no module cache). */
function configDir(text: string): string {
  const dir = join(root, `c${counter++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'weft.config.mjs'), text);
  return dir;
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('findConfigFile', () => {
  it('prefers --config, then the workflow directory, then the current directory', () => {
    const beside = configDir('export default {}');
    const cwd = configDir('export default {}');
    const bare = join(root, 'bare');
    mkdirSync(bare);
    const workflow = join(beside, 'flow.yaml');
    expect(findConfigFile({ explicit: 'x.mjs', workflowFile: workflow, cwd })).toBe(join(cwd, 'x.mjs'));
    expect(findConfigFile({ workflowFile: workflow, cwd })).toBe(join(beside, 'weft.config.mjs'));
    expect(findConfigFile({ workflowFile: join(bare, 'flow.yaml'), cwd })).toBe(join(cwd, 'weft.config.mjs'));
    expect(findConfigFile({ workflowFile: join(bare, 'flow.yaml'), cwd: bare })).toBeUndefined();
  });
});

describe('loadConfig', () => {
  it('reads executors and resources from a default export', async () => {
    const dir = configDir(
      "export default { executors: [{ name: 'greet', execute: (i) => ({ text: 'hi ' + i.who }) }], resources: { gpu: 2 } };",
    );
    const config = await loadConfig(join(dir, 'weft.config.mjs'));
    expect(config.executors.map((e) => e.name)).toEqual(['greet']);
    expect(await config.executors[0]!.execute({ who: 'ada' }, {} as never)).toEqual({ text: 'hi ada' });
    expect(config.resources).toEqual({ gpu: 2 });
    expect(config.file).toBe(join(dir, 'weft.config.mjs'));
  });

  it('reads named exports when there is no default', async () => {
    const dir = configDir("export const resources = { llm: 3 };\nexport const executors = [];\n");
    expect(await loadConfig(join(dir, 'weft.config.mjs'))).toMatchObject({ executors: [], resources: { llm: 3 } });
  });

  it('reads circuit-breaker settings', async () => {
    const dir = configDir("export const circuitBreakers = { analyzer: { failureThreshold: 3, resetAfter: '1m' } };\n");
    expect(await loadConfig(join(dir, 'weft.config.mjs'))).toMatchObject({ circuitBreakers: { analyzer: { failureThreshold: 3, resetAfter: '1m' } } });
  });

  it('reads workspace roots, a relative one starting at the config file, not the current directory', async () => {
    const dir = configDir("export default { workspaceRoots: ['../checkouts', '/srv/repos', '.'] };\n");
    expect(await loadConfig(join(dir, 'weft.config.mjs'))).toMatchObject({ workspaceRoots: [join(root, 'checkouts'), '/srv/repos', dir] });
  });

  it('gives an empty config when there is no file', async () => {
    const bare = join(root, 'empty');
    mkdirSync(bare);
    expect(await resolveConfig({ cwd: bare })).toEqual({ executors: [], resources: {} });
  });

  it.each([
    ['a module that does not import', 'export default {', /could not import the config module/],
    ['a default export that is not an object', 'export default 42;', /default export must be an object.*got number 42/],
    ['no useful export', 'export const other = 1;', /exports nothing weft uses/],
    ['an unknown key', 'export default { executor: [] };', /unknown key `executor`/],
    ['executors that are not an array', 'export default { executors: {} };', /`executors` must be an array/],
    ['an executor without execute', "export default { executors: [{ name: 'x' }] };", /executors\[0\] \(`x`\) needs an `execute\(input, ctx\)` function/],
    ['an executor without a name', 'export default { executors: [{ execute() {} }] };', /executors\[0\] needs a `name` string/],
    ['a pool size that is not a positive integer', 'export default { resources: { gpu: 0 } };', /resources\.gpu must be a positive integer, got number 0/],
    ['breaker settings that are not an object', 'export default { circuitBreakers: { analyzer: 3 } };', /circuitBreakers\.analyzer must be an object/],
    ['a bad breaker cool-down', "export default { circuitBreakers: { analyzer: { resetAfter: 'soon' } } };", /circuitBreakers\.analyzer\.resetAfter/],
    ['an unknown breaker key', 'export default { circuitBreakers: { analyzer: { threshold: 3 } } };', /unknown key `threshold`/],
    ['workspace roots that are not an array', "export default { workspaceRoots: '/srv' };", /`workspaceRoots` must be an array of folder paths.*got the string "\/srv"/],
    ['an empty workspace root', "export default { workspaceRoots: ['/srv', ''] };", /workspaceRoots\[1\] must be a folder path/],
  ])('rejects %s with the file path', async (_what, text, message) => {
    const file = join(configDir(text), 'weft.config.mjs');
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as ConfigError).message.startsWith(`${file}: `)).toBe(true);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('rejects a --config path that does not exist', async () => {
    await expect(resolveConfig({ explicit: 'nope.mjs', cwd: root })).rejects.toThrow(/nope\.mjs: config file not found/);
  });
});
