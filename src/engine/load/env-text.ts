/**
 * Environment values as written. YAML reads `VERSION: 1.10` as the number 1.1 and
 * `MODE: 0777` as 777; an environment variable is text, so the text the author
 * wrote is kept rather than the number's JavaScript form.
 */
import { isMap, isScalar, Scalar } from 'yaml';
import type { SourceDocument } from './source.js';

/** Replaces plain numbers and booleans in every `env` mapping of `value` with their source text. */
export function keepScalarText(value: Record<string, unknown>, source: SourceDocument): void {
  for (const path of envPaths(value)) {
    const target = valueAt(value, path);
    if (target === undefined || !Object.values(target).some(isTyped)) continue;
    const node = source.nodeAt(path);
    if (!isMap(node)) continue;
    for (const pair of node.items) {
      const scalar = pair.value;
      if (!isScalar(pair.key) || !isScalar(scalar) || scalar.type !== Scalar.PLAIN || scalar.source === undefined) continue;
      const key = String(pair.key.value);
      if (isTyped(scalar.value) && Object.hasOwn(target, key) && target[key] === scalar.value) target[key] = scalar.source;
    }
  }
}

/** Where `env` mappings sit: the workflow's, each task's, and each task's (or fallback's) `with.env`. */
function envPaths(value: Record<string, unknown>): string[][] {
  const paths = [['env']];
  const tasks = value.tasks;
  if (tasks === null || typeof tasks !== 'object') return paths;
  for (const id of Object.keys(tasks)) {
    paths.push(['tasks', id, 'env'], ['tasks', id, 'with', 'env'], ['tasks', id, 'fallback', 'with', 'env']);
  }
  return paths;
}

function isTyped(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean';
}

function valueAt(root: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
}
