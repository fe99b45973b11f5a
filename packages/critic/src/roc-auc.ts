/**
 * ROC AUC of a score that should rank `positives` above `negatives`, computed exactly as the
 * Mann–Whitney U statistic over midranks: the probability that a random positive scores higher
 * than a random negative, ties counting one half. NaN when either group is empty.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [
    ...positives.map((score) => ({ score, positive: true })),
    ...negatives.map((score) => ({ score, positive: false })),
  ].sort((a, b) => a.score - b.score);
  let positiveRankSum = 0;
  let start = 0;
  while (start < all.length) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]!.score === all[start]!.score) end++;
    // Ranks are 1-based; tied scores share the mean of the ranks they span.
    const midrank = (start + end) / 2 + 1;
    for (let index = start; index <= end; index++) if (all[index]!.positive) positiveRankSum += midrank;
    start = end + 1;
  }
  const u = positiveRankSum - (positives.length * (positives.length + 1)) / 2;
  return u / (positives.length * negatives.length);
}
