/**
 * Paths into a workflow document (`['tasks', 'build', 'needs', 0]`), written the way
 * a user reads them (`tasks.build.needs[0]`) and described in words for messages.
 */

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `tasks.build.needs[0]`; keys that are not plain names are quoted: `env["A.B"]`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * Where a path points, in words: `the workflow`, `task \`build\``,
 * `\`retry.delay\` in task \`build\``, `input \`repo\``, `\`defaults.timeout\``.
 */
export function describePath(path: Path): string {
  const [head, name, ...rest] = path;
  if (head === undefined) return 'the workflow';
  if ((head === 'tasks' || head === 'inputs') && typeof name === 'string') {
    const owner = `${head === 'tasks' ? 'task' : 'input'} \`${name}\``;
    return rest.length === 0 ? owner : `\`${formatPath(rest)}\` in ${owner}`;
  }
  return `\`${formatPath(path)}\``;
}
