/**
 * "Did you mean" suggestions for misspelt names: keys, task ids, executors, inputs.
 */

/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps
 * of neighbours (`buidl` is one edit from `build`), in three rows of memory.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, before[j - 2]! + 1);
      current[j] = distance;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/** How far a name may be from a candidate and still be taken for a typo of it. */
function tolerance(word: string): number {
  if (word.length <= 3) return 1;
  return word.length <= 8 ? 2 : 3;
}

/**
 * The candidate closest to `word`, ignoring case, if it is close enough to be a
 * likely typo. Candidates whose length alone rules them out are skipped, which keeps
 * this cheap against the ids of a very large workflow.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = tolerance(word);
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) >= bestDistance) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean \`x\`?` or an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : `; did you mean \`${match}\`?`;
}

/** `a`, `b` and `c` — for listing what is allowed. */
export function listNames(names: readonly string[], limit = 20): string {
  const quoted = names.slice(0, limit).map((name) => `\`${name}\``);
  if (names.length > limit) return `${quoted.join(', ')} and ${names.length - limit} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
