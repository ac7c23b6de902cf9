/**
 * The docs stay true: every key of the workflow schema is documented, every YAML
 * example is a real, tested file under workflows/, and links point at real files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/cli-process.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const docFiles = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const workflowTexts = readdirSync(join(REPO_ROOT, 'workflows'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => read(`workflows/${f}`));

/** Every key under any `properties` in the schema, found without recursion. */
function schemaPropertyNames(schema: unknown): Set<string> {
  const names = new Set<string>();
  const stack: unknown[] = [schema];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const properties = (node as { properties?: unknown }).properties;
    if (typeof properties === 'object' && properties !== null) for (const name of Object.keys(properties)) names.add(name);
    stack.push(...Object.values(node));
  }
  return names;
}

function fencedBlocks(markdown: string, language: string): string[] {
  const pattern = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm');
  return [...markdown.matchAll(pattern)].map((m) => m[1] ?? '');
}

describe('docs/workflow-language.md', () => {
  const reference = read('docs/workflow-language.md');
  const names = [...schemaPropertyNames(JSON.parse(read('schemas/workflow.schema.json')))];

  it('finds the schema keys', () => {
    expect(names).toEqual(expect.arrayContaining(['tasks', 'needs', 'maxAttempts', 'continueOnError']));
  });

  it.each(names)('documents `%s`', (name) => {
    expect(reference).toContain(`\`${name}\``);
  });

  it('documents every trigger rule', () => {
    const schema = JSON.parse(read('schemas/workflow.schema.json')) as {
      definitions: { task: { properties: { trigger: { enum: string[] } } } };
    };
    for (const rule of schema.definitions.task.properties.trigger.enum) expect(reference).toContain(`| \`${rule}\``);
  });
});

describe.each(docFiles)('%s', (file) => {
  const text = read(file);

  it('quotes only YAML that is part of a file in workflows/', () => {
    for (const block of fencedBlocks(text, 'yaml')) {
      const found = workflowTexts.some((workflow) => workflow.includes(block));
      expect(found, `this block is not in any workflows/*.yaml file:\n${block}`).toBe(true);
    }
  });

  it('links only to files that exist', () => {
    const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1] ?? '').filter((l) => !/^[a-z]+:/.test(l));
    for (const link of links) expect(existsSync(join(REPO_ROOT, dirname(file), link)), `${file} → ${link}`).toBe(true);
  });
});

describe('README.md', () => {
  const readme = read('README.md');

  it('has a quick start with exactly the two commands in one block', () => {
    const blocks = fencedBlocks(readme, 'sh');
    expect(blocks).toContainEqual('npm ci && npm run demo\nnpm test\n');
  });

  it('links every doc', () => {
    for (const file of docFiles.filter((f) => f !== 'README.md')) expect(readme).toContain(`](${file})`);
  });
});

describe('.ci/run', () => {
  it('installs from the lockfile, then runs the tests', () => {
    const script = read('.ci/run');
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('set -euo pipefail');
    expect(script.indexOf('npm ci')).toBeGreaterThan(0);
    expect(script.indexOf('npm test')).toBeGreaterThan(script.indexOf('npm ci'));
  });
});
