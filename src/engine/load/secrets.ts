/**
 * The `secrets:` section as written to where each value will be read from. Only the
 * source is kept: values are read when a run starts (src/engine/secrets.ts), so a
 * compiled workflow, and the definition stored with a run, never hold one.
 */
import type { SecretSource } from '../types.js';
import type { SecretDefinition } from './definition.js';
import type { IssueList } from './issues.js';

export function secretSourcesOf(secrets: Record<string, SecretDefinition>, issues: IssueList): Record<string, SecretSource> {
  const sources: Record<string, SecretSource> = {};
  for (const [name, definition] of Object.entries(secrets)) {
    const { env, file } = definition;
    if (env !== undefined && file !== undefined) {
      issues.add(['secrets', name], `secret \`${name}\` gives both \`env\` and \`file\`; a secret is read from one place, so keep one of them`);
    } else if (env !== undefined) {
      sources[name] = { env };
    } else if (file !== undefined) {
      sources[name] = { file };
    }
  }
  return sources;
}
