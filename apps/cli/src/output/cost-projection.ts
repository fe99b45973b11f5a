/** What a run has spent and how far it got, as the usage ledger and the run's counters hold them. */
export interface RunSpend {
  /** Dollars spent so far (the usage ledger's total). */
  spentUsd: number;
  /** Dollars by ledger stage; with it, stages 1–3 (`personas:*`) count once rather than per pair. */
  spentByStage?: Readonly<Record<string, { costUsd: number }>>;
  /** Pairs settled (accepted, rejected or failed) over every iteration. */
  pairsSettled: number;
  /** Pairs the run plans over every iteration. */
  pairsPlanned: number;
  /** A run that is over spends nothing more. */
  finished: boolean;
}

/** Stages run once before the first pair, whatever the number of pairs. */
const ONCE_PER_RUN_STAGE = /^personas:/;

/**
 * The dollars a run is expected to have spent when it ends: what stages 1–3 spent, plus what
 * the pairs spent so far scaled from the settled pairs to the planned ones (the Generator, the
 * Critic and the per-iteration evaluation all grow with the pairs). Null while no pair has
 * settled, since there is nothing to scale yet. Early on it leans high: calls already paid for
 * pairs still in flight count before those pairs settle.
 */
export function projectRunCost(spend: RunSpend): number | null {
  if (spend.finished) return spend.spentUsd;
  if (spend.pairsSettled <= 0 || spend.pairsPlanned <= 0) return null;
  const once = Object.entries(spend.spentByStage ?? {})
    .filter(([stage]) => ONCE_PER_RUN_STAGE.test(stage))
    .reduce((sum, [, usage]) => sum + usage.costUsd, 0);
  const perPairs = Math.max(0, spend.spentUsd - once);
  const settled = Math.min(spend.pairsSettled, spend.pairsPlanned);
  return once + (perPairs * spend.pairsPlanned) / settled;
}
