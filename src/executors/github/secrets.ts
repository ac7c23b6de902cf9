/**
 * Tokens must never reach an error message, a log line or an output. Everything
 * that echoes text from outside (git's stderr, an HTTP error body) goes through here.
 */

const SHORTEST_SECRET = 4;

/** `text` with every occurrence of each secret replaced by `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= SHORTEST_SECRET) out = out.split(secret).join('***');
  }
  return out;
}
