/**
 * Turns what an issue points at into files of the repository: paths matched against
 * `git ls-files` by their longest matching suffix (so an absolute path from someone
 * else's machine still finds `src/x.ts`), built output mapped back to its source,
 * and identifiers found with `git grep`, rarer ones counting for more.
 */
import { gitResult, trackedFiles } from '../git/git.js';
import type { PathRef, References } from './references.js';

export type LocationReason = 'mentioned' | 'stack-frame' | 'identifier';

export interface Location {
  file: string;
  line?: number;
  why: LocationReason;
  score: number;
}

const MAX_CANDIDATES_PER_PATH = 3;
/** An identifier found in more files than this says little about where the issue is. */
const MAX_FILES_PER_IDENTIFIER = 15;
const MAX_LOCATIONS = 10;
const TEST_FILE = /(?:^|\/)(?:tests?|__tests__|spec)\/|\.(?:test|spec)\.\w+$|_test\.\w+$|(?:^|\/)test_[^/]+$/;

export async function locate(repo: string, refs: References, signal: AbortSignal): Promise<Location[]> {
  const files = await trackedFiles(repo, signal);
  const found = new Map<string, Location>();
  const keep = (location: Location): void => {
    const known = found.get(location.file);
    if (!known || known.score < location.score) found.set(location.file, { ...location, line: location.line ?? known?.line });
    else if (known.line === undefined) known.line = location.line;
  };
  let frameIndex = 0;
  for (const ref of refs.paths) {
    const score = ref.frame ? Math.max(6, 9 - 0.5 * frameIndex++) : 10;
    for (const file of matchPath(files, ref)) keep({ file, line: ref.line, why: ref.frame ? 'stack-frame' : 'mentioned', score });
  }
  for (const [file, score] of await grepIdentifiers(repo, refs.identifiers, signal)) {
    const known = found.get(file);
    if (known) known.score += score;
    else keep({ file, why: 'identifier', score });
  }
  return [...found.values()]
    .map((l) => ({ ...l, score: Math.round(l.score * 100) / 100 }))
    .sort((a, b) => b.score - a.score || a.file.localeCompare(b.file))
    .slice(0, MAX_LOCATIONS);
}

/** Tracked files that `ref` names, by its longest suffix that matches any; none when it is ambiguous. */
export function matchPath(files: readonly string[], ref: PathRef): string[] {
  for (const variant of variants(ref.path)) {
    const parts = variant.replace(/^[A-Za-z]:/, '').split('/').filter((p) => p && p !== '.' && p !== '..');
    const shortest = ref.installed ? 2 : 1;
    for (let i = 0; i <= parts.length - shortest; i++) {
      const suffix = parts.slice(i).join('/');
      const hits = files.filter((f) => f === suffix || f.endsWith(`/${suffix}`));
      if (hits.length > 0) return hits.length <= MAX_CANDIDATES_PER_PATH ? hits : [];
    }
  }
  return [];
}

/** The path, then for built JavaScript the TypeScript source it likely came from. */
function variants(path: string): string[] {
  if (!/\.(?:m|c)?js$/.test(path)) return [path];
  const source = path.replace(/(^|\/)(?:dist|build|lib|out)\//, '$1src/');
  return [path, ...['.ts', '.tsx', '.mts'].map((ext) => source.replace(/\.(?:m|c)?js$/, ext))];
}

async function grepIdentifiers(repo: string, identifiers: readonly string[], signal: AbortSignal): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  for (const id of identifiers) {
    const result = await gitResult(['grep', '-I', '-n', '-w', '-F', '--no-color', '-e', id, '--'], { cwd: repo, signal });
    if (result.code !== 0) continue;
    const perFile = new Map<string, boolean>();
    for (const line of result.stdout.split('\n').filter(Boolean)) {
      const [file = '', , ...rest] = line.split(':');
      const defines = definesIdentifier(rest.join(':'), id);
      perFile.set(file, (perFile.get(file) ?? false) || defines);
    }
    if (perFile.size > MAX_FILES_PER_IDENTIFIER) continue;
    for (const [file, defines] of perFile) {
      const weight = ((defines ? 4 : 2) / Math.sqrt(perFile.size)) * (TEST_FILE.test(file) ? 0.5 : 1);
      scores.set(file, (scores.get(file) ?? 0) + weight);
    }
  }
  return scores;
}

function definesIdentifier(line: string, id: string): boolean {
  const escaped = id.replace(/[$]/g, '\\$');
  const pattern = new RegExp(
    String.raw`\b(?:function\*?|class|def|const|let|var|interface|type|enum|fn|func|struct|trait|impl|module)\s+${escaped}\b|^\s*(?:export\s+)?(?:async\s+)?${escaped}\s*\(.*\)\s*[{:]|\b${escaped}\s*[:=]\s*(?:async\s*)?(?:\(|function)`,
  );
  return pattern.test(line);
}
