/**
 * Executor schemas live as JSON files under `schemas/executors/` so that tools other
 * than weft (editors, docs) can read them too. Both `src/executors/` and the built
 * `dist/executors/` sit two levels below the package root, so one relative URL
 * serves the sources under test and the published package alike.
 */
import { readFileSync } from 'node:fs';
import type { JsonSchema } from '../engine/executor.js';

/** Reads `schemas/executors/<file>`; throws at import time if the package is incomplete. */
export function loadSchema(file: string): JsonSchema {
  const url = new URL(`../../schemas/executors/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as JsonSchema;
}
