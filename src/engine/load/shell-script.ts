/**
 * Keeps expression values out of shell code. In a script input, each `${{ e }}` is
 * replaced by a reference to an environment variable that will hold its value, quoted
 * for where it stands, so an issue title like `"; rm -rf ~` stays text.
 */

type Quoting = 'none' | 'single' | 'double';

export const EXPR_ENV_PREFIX = 'WEFT_EXPR_';

/** Tracks shell quoting across the literal parts of a script. */
export class ShellQuoting {
  private state: Quoting = 'none';

  /** Advances over literal script text. */
  read(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (this.state === 'single') {
        if (char === "'") this.state = 'none';
      } else if (char === '\\') {
        i++;
      } else if (char === '"') {
        this.state = this.state === 'double' ? 'none' : 'double';
      } else if (char === "'" && this.state === 'none') {
        this.state = 'single';
      }
    }
  }

  /**
   * The reference to variable `name` at the current point: `"${NAME}"` in plain text,
   * `${NAME}` inside double quotes, and inside single quotes the quotes are closed
   * around it so that it expands.
   */
  reference(name: string): string {
    if (this.state === 'double') return `\${${name}}`;
    if (this.state === 'single') return `'"\${${name}}"'`;
    return `"\${${name}}"`;
  }
}
