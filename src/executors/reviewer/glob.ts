/**
 * Path globs for review policies, read as .gitignore reads them: `*` and `?` stay
 * within a path segment, `**` crosses segments, a pattern without a `/` (other than
 * a trailing one) matches in any folder (`*.lock` matches `a/b/yarn.lock`), and a
 * pattern that matches a folder matches everything in it (`docs/` or `docs`).
 */

export function globToRegExp(glob: string): RegExp {
  const pattern = glob.replace(/\/+$/, '');
  const anchored = pattern.includes('/');
  const body = pattern.replace(/^\//, '');
  let source = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i] as string;
    if (char === '*' && body[i + 1] === '*') {
      const slash = body[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}(?:/.*)?$`);
}

/** The first of `globs` that `path` matches, or undefined. */
export function firstMatch(path: string, globs: readonly string[]): string | undefined {
  return globs.find((glob) => globToRegExp(glob).test(path));
}
