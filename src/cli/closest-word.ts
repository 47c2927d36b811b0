/**
 * The candidate a mistyped word most likely meant: the nearest by edit distance when that is at
 * most a third of its length (at least 2), or one it starts (`admin` → `admin-key`).
 *
 * @example closestWord('serv', ['serve', 'describe']) // 'serve'
 * @example closestWord('x', ['serve', 'describe']) // undefined
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance <= Math.max(2, Math.floor(candidate.length / 3)) && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? (word.length >= 3 ? candidates.find((candidate) => candidate.startsWith(word.toLowerCase())) : undefined);
}

/** Levenshtein: the fewest insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
