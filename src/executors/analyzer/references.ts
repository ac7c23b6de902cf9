/**
 * What an issue points at in the code, read from its text: file paths it mentions,
 * frames of stack traces (JavaScript, Python, Java, Go, Rust), and identifiers
 * written as code. Nothing here touches the repository; `locate.ts` does that.
 */

export interface PathRef {
  /** As written, minus `file://` and bundler prefixes. */
  path: string;
  line?: number;
  /** From a stack-trace frame (ranked by position: the first frame is nearest the failure). */
  frame: boolean;
  /**
   * Found under `node_modules/<package>/` and given relative to the package: the
   * frame of an installed copy, which is this repository's code only when a path of
   * two or more segments matches.
   */
  installed?: boolean;
}

export interface References {
  paths: PathRef[];
  identifiers: string[];
}

const EXTENSIONS =
  'tsx?|jsx?|mjs|cjs|py|pyi|go|rs|java|kt|kts|scala|rb|php|cs|fs|swift|m|mm|c|h|cc|cpp|cxx|hpp|hh|ex|exs|erl|hs|ml|lua|dart|r|jl|' +
  'vue|svelte|astro|css|scss|sass|less|html?|md|mdx|rst|txt|json|jsonc|ya?ml|toml|ini|cfg|conf|xml|gradle|sql|sh|bash|zsh|ps1|proto|graphql|tf';
const PATH = new RegExp(
  String.raw`(?:file:\/\/|webpack:\/\/\/?|webpack-internal:\/\/\/)?((?:[A-Za-z]:)?(?:\.{0,2}\/)?(?:[\w@.+-]+\/)*[\w@+-][\w@.+-]*\.(?:${EXTENSIONS}))\b(?::(\d+))?`,
  'g',
);
const IS_PATH = new RegExp(PATH.source);
const PYTHON_FRAME = /File "([^"]+)", line (\d+)/g;
const JAVA_FRAME = /at ((?:[\w$]+\.)+)[\w$<>]+\(([\w$]+\.(?:java|kt|scala)):(\d+)\)/g;
const JS_FRAME_FUNCTION = /^\s*at (?:async )?([\w$.]+) \(/gm;
const INLINE_CODE = /`([^`\n]{1,80})`/g;
const IDENTIFIER = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g;
/** camelCase, PascalCase with an inner capital, snake_case: shapes prose words rarely have. */
const CODE_SHAPED = /\b(?:[a-z]+[A-Z][\w]*|[A-Z][a-z]+[A-Z][\w]*|[a-z]+_[a-z_]+[a-z])\b/g;
const CODE_SHAPED_WORD = /^(?:[a-z]+[A-Z][\w]*|[A-Z][a-z]+[A-Z][\w]*|[a-z]+_[a-z_]+[a-z]|[A-Z][A-Z0-9]*_[A-Z0-9_]+)$/;
const IGNORED_PATH = /(?:^|\/)(?:node_modules|site-packages|dist-packages|\.pnpm|vendor|internal\/(?:modules|process))\/|^node:|^<|^https?:/;
const MAX_IDENTIFIERS = 12;

const COMMON_WORDS = new Set(
  [
    'null', 'undefined', 'true', 'false', 'none', 'this', 'self', 'return', 'function', 'const', 'let', 'var', 'class',
    'import', 'export', 'from', 'async', 'await', 'new', 'string', 'number', 'boolean', 'object', 'array', 'error',
    'npm', 'yarn', 'pnpm', 'node', 'git', 'main', 'master', 'json', 'yaml', 'http', 'https', 'localhost', 'true',
    'int', 'str', 'dict', 'list', 'void', 'public', 'private', 'static', 'type', 'interface', 'default', 'test', 'tests',
    'console.log', 'process.env', 'module.exports', 'require', 'print', 'self.assert', 'expect', 'describe', 'it',
    'length', 'name', 'value', 'key', 'data', 'debug', 'log', 'map', 'then', 'join', 'root', 'path', 'args', 'options',
    // Brand names shaped like code.
    'macos', 'ios', 'ipados', 'iphone', 'ipad', 'github', 'gitlab', 'javascript', 'typescript', 'youtube', 'postgresql',
    'mysql', 'mongodb', 'graphql', 'websocket', 'oauth', 'linkedin', 'pypi', 'powershell', 'vscode', 'intellij', 'nodejs',
    'devtools', 'chatgpt', 'openai', 'dockerhub', 'readme',
  ].map((w) => w.toLowerCase()),
);

export function extractReferences(title: string, body: string): References {
  const text = `${title}\n${body}`;
  const paths = dedupePaths([...framePaths(text), ...mentionedPaths(text)]);
  return { paths, identifiers: identifiers(title, body) };
}

function framePaths(text: string): PathRef[] {
  const refs: PathRef[] = [];
  for (const m of text.matchAll(PYTHON_FRAME)) refs.push({ path: clean(m[1] ?? ''), line: Number(m[2]), frame: true });
  for (const m of text.matchAll(JAVA_FRAME)) {
    const dir = (m[1] ?? '').split('.').slice(0, -2).join('/');
    const path = dir ? `${dir}/${m[2]}` : (m[2] ?? '');
    refs.push({ path, line: Number(m[3]), frame: true });
  }
  for (const line of text.split('\n')) {
    if (!/^\s*(?:at |File |-->|\/|[A-Za-z]:\\)|\.go:\d+/.test(line)) continue;
    for (const m of line.matchAll(PATH)) refs.push({ path: clean(m[1] ?? ''), line: lineOf(m[2]), frame: true });
  }
  return refs.map(unvendor).filter((ref) => ref.path && !IGNORED_PATH.test(ref.path));
}

function unvendor(ref: PathRef): PathRef {
  const inside = /^.*\/node_modules\/(?:@[^/]+\/)?[^/]+\/(.+)$/.exec(ref.path);
  return inside ? { ...ref, path: inside[1] as string, installed: true } : ref;
}

function mentionedPaths(text: string): PathRef[] {
  const refs: PathRef[] = [];
  for (const m of text.matchAll(PATH)) {
    const path = clean(m[1] ?? '');
    const before = text[(m.index ?? 0) - 1] ?? ' ';
    // A "path" glued to a word or a URL host (example.com/x.js) is not a file mention.
    if (/[\w:]/.test(before) && !text.slice(0, m.index).endsWith('file://')) continue;
    if (IGNORED_PATH.test(path) || looksLikeDomain(path)) continue;
    refs.push({ path, line: lineOf(m[2]), frame: false });
  }
  return refs;
}

function identifiers(title: string, body: string): string[] {
  const found: string[] = [];
  for (const m of body.matchAll(JS_FRAME_FUNCTION)) found.push(lastSegment(m[1] ?? ''));
  for (const m of `${title}\n${body}`.matchAll(INLINE_CODE)) found.push(...codeSpanIdentifiers(m[1] ?? ''));
  const prose = `${title}\n${body.replace(/```[\s\S]*?(?:```|$)/g, ' ')}`;
  for (const m of prose.matchAll(CODE_SHAPED)) found.push(m[0]);
  const unique = [...new Set(found.filter(isUseful))];
  return unique.slice(0, MAX_IDENTIFIERS);
}

/**
 * A one-word span (`slugify`) is an identifier; in a longer one (`acme deploy --dir x`,
 * an error message) only the words shaped like code are.
 */
function codeSpanIdentifiers(code: string): string[] {
  if (IS_PATH.test(code)) return [];
  const ids = (code.match(IDENTIFIER) ?? []).map((id) => (id.includes('.') ? lastSegment(id) : id));
  if (ids.length === 1 && /^[\w$.]+(?:\(\))?$/.test(code.trim())) return ids;
  return ids.filter((id) => CODE_SHAPED_WORD.test(id));
}

function isUseful(id: string): boolean {
  return id.length >= 3 && !COMMON_WORDS.has(id.toLowerCase()) && !/^\d/.test(id) && !/^(?:Object|Array|Promise|Module|anonymous)$/.test(id);
}

function lastSegment(dotted: string): string {
  return dotted.split('.').pop() ?? dotted;
}

function clean(path: string): string {
  return path.replace(/^(?:file:\/\/|webpack:\/\/\/?|webpack-internal:\/\/\/)/, '').replace(/^\.\//, '').replace(/\\/g, '/');
}

function lineOf(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function looksLikeDomain(path: string): boolean {
  return !path.includes('/') && /\.(?:com|org|net|io|dev|app)$/.test(path);
}

function dedupePaths(refs: PathRef[]): PathRef[] {
  const seen = new Map<string, PathRef>();
  for (const ref of refs) {
    const known = seen.get(ref.path);
    if (!known) seen.set(ref.path, ref);
    else if (known.line === undefined && ref.line !== undefined) known.line = ref.line;
  }
  return [...seen.values()];
}
