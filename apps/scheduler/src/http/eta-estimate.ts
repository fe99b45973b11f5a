/** How long a run should still take, and how sure that is. */
export interface EtaEstimate {
  /** Most likely time left, in ms. */
  etaMs: number;
  /** The range the pace's sampling error allows: etaMs × (1 ± 1/√n), n the pairs it was measured on. */
  lowMs: number;
  highMs: number;
  /** Pairs the pace was measured on. */
  sampleSize: number;
  /** Fewer than ROUGH_BELOW_PAIRS pairs measured: the range is wide, the ETA a rough guess. */
  rough: boolean;
}

/** Below this many settled pairs an ETA is marked rough (its range is wider than ±22%). */
export const ROUGH_BELOW_PAIRS = 20;

/**
 * An ETA from the pace and the pairs left. Pairs settle roughly like independent arrivals, so a
 * pace measured over n pairs is known to about 1/√n of itself; the range is the ETA stretched
 * by that much either way. It does not foresee pauses between iterations (evaluation) or the
 * release, nor a provider slowing down.
 */
export function estimateEta(
  remainingPairs: number,
  pairsPerMinute: number,
  sampleSize: number,
): EtaEstimate | null {
  if (!(remainingPairs > 0) || !(pairsPerMinute > 0) || !(sampleSize > 0)) return null;
  const etaMs = (remainingPairs / pairsPerMinute) * 60_000;
  const spread = 1 / Math.sqrt(sampleSize);
  return {
    etaMs,
    lowMs: etaMs * Math.max(0, 1 - spread),
    highMs: etaMs * (1 + spread),
    sampleSize,
    rough: sampleSize < ROUGH_BELOW_PAIRS,
  };
}
