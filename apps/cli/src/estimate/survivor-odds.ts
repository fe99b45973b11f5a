/** Binomial(n, p) probabilities of 0..n successes. */
export function binomial(n: number, p: number): number[] {
  const odds: number[] = [];
  let choose = 1;
  for (let k = 0; k <= n; k++) {
    odds.push(choose * p ** k * (1 - p) ** (n - k));
    choose = (choose * (n - k)) / (k + 1);
  }
  return odds;
}

/** What the vote of one pair is expected to cost, from the chance that each candidate survives. */
export interface SurvivorOdds {
  /** P(the pair has n finalists), n = 0..maxFinalists. */
  finalists: number[];
  /** Share of pairs with at least one survivor: they accept a conversation. */
  acceptance: number;
  /** Expected finalists per pair. */
  meanFinalists: number;
  /** Expected pairwise comparisons per pair (each asked once per policy and order). */
  comparisons: number;
}

/**
 * Survivors of a pair's K candidates are Binomial(K, p) when each passes the filters with
 * probability p; at most `maxFinalists` of them vote. A pair with F finalists asks C(F, 2)
 * comparisons; a lone finalist needs none.
 */
export function survivorOdds(candidates: number, passRate: number, maxFinalists: number): SurvivorOdds {
  const survivors = binomial(candidates, passRate);
  const finalists = Array.from({ length: Math.min(candidates, maxFinalists) + 1 }, () => 0);
  survivors.forEach((probability, count) => {
    finalists[Math.min(count, maxFinalists)]! += probability;
  });
  const meanFinalists = finalists.reduce((sum, probability, count) => sum + probability * count, 0);
  const comparisons = finalists.reduce(
    (sum, probability, count) => sum + (probability * count * (count - 1)) / 2,
    0,
  );
  return { finalists, acceptance: 1 - (finalists[0] ?? 0), meanFinalists, comparisons };
}
