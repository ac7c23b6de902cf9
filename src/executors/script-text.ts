/**
 * Scripts as people wrote them. In a script input, expressions reach the script as
 * `WEFT_EXPR_n` variable references (so values never become code); to show a
 * script in a log or a PR body, the references are put back as their values.
 */
const REFERENCE = /'"\$\{(WEFT_EXPR_\d+)\}"'|"\$\{(WEFT_EXPR_\d+)\}"|\$\{(WEFT_EXPR_\d+)\}/g;

/** For display only: never run the result. */
export function displayScript(script: string, env: Readonly<Record<string, string | undefined>>): string {
  return script.replace(REFERENCE, (reference, a?: string, b?: string, c?: string) => env[(a ?? b ?? c)!] ?? reference);
}
