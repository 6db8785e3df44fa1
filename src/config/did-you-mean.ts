/**
 * "Did you mean" hints: the closest candidates by edit distance, case-insensitive. Shared by the config checks
 * (keys, regions) and the CodePipeline action catalog; a leaf module, so both can use it.
 */

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidates close enough to be a likely typo of `word` (edit distance at most max(`minDistance`, a quarter
 * of its length)), best first; only the one that differs in case alone, if there is one.
 */
export function closest(word: string, candidates: Iterable<string>, max = 2, minDistance = 3): string[] {
  const wanted = word.toLowerCase();
  const list = [...candidates];
  // A candidate that differs only in case is the one meant.
  const sameLetters = list.find((candidate) => candidate.toLowerCase() === wanted);
  if (sameLetters !== undefined) return [sameLetters];
  return list
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate.toLowerCase()) }))
    .filter((c) => c.distance <= Math.max(minDistance, Math.floor(wanted.length / 4)))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((c) => c.candidate);
}

/** `; did you mean "a" or "b"?`, or nothing when no candidate is close. */
export function didYouMean(word: string, candidates: Iterable<string>, max = 2, minDistance = 3): string {
  const hints = closest(word, candidates, max, minDistance);
  return hints.length === 0 ? '' : `; did you mean ${hints.map((h) => `"${h}"`).join(' or ')}?`;
}
