/**
 * distinct-n: the share of a token sequence's n-grams that are unique (Li et al., 2016).
 * 1 means nothing repeats; a conversation going round in circles falls towards 0. A sequence
 * shorter than n has no n-grams and nothing repeated, so it scores 1.
 */
export function distinctN(tokens: readonly string[], n: number): number {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`distinctN: n must be a positive integer, got ${n}`);
  const total = tokens.length - n + 1;
  if (total <= 0) return 1;
  const seen = new Set<string>();
  for (let start = 0; start < total; start++) seen.add(tokens.slice(start, start + n).join('\u0000'));
  return seen.size / total;
}
