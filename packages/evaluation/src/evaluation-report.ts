import { z } from 'zod';
import { DISTRACTOR_KINDS } from './persona-statements';

const count = () => z.number().int().nonnegative();
/** A share in [0, 1]; null when there was nothing to measure. */
const rate = () => z.number().min(0).max(1).nullable();

/**
 * The AI-detection (Turing) test of one iteration, as the paper's Table 3: each pair (a
 * synthetic conversation and a reference one) is shown in both orders. `lose`: the judge took
 * the reference for the human one both times; `win`: the synthetic one both times; `tie`:
 * otherwise. Rates are over judged pairs; pairs with an unusable answer are counted apart.
 */
export const turingSummarySchema = z.object({
  /** Pairs judged in both orders. */
  pairs: count(),
  /** Of those, pairs whose reference has the same two personas. */
  sameProfilePairs: count(),
  lose: count(),
  win: count(),
  tie: count(),
  /** Pairs with an answer that did not parse in at least one order (not in the rates). */
  unparseable: count(),
  /** Conversations that had no reference to compare with (or no turns). */
  skipped: count(),
  losingRate: rate(),
  winningRate: rate(),
  tieRate: rate(),
});
export type TuringSummary = z.infer<typeof turingSummarySchema>;

export const distractorSummarySchema = z.object({
  /** Times a distractor of this kind was shown. */
  shown: count(),
  /** Times the judge selected it (wrongly). */
  picked: count(),
  pickRate: rate(),
});
export type DistractorSummary = z.infer<typeof distractorSummarySchema>;

/**
 * The persona-faithfulness test of one iteration: per (conversation, speaker), the judge picks
 * the statements the speaker holds out of 4 real attributes and 4 distractors. Micro-averaged:
 * precision = correct / selected, recall = correct / real statements shown.
 */
export const faithfulnessSummarySchema = z.object({
  /** Questions judged (a conversation and one of its speakers). */
  items: count(),
  unparseable: count(),
  /** Speakers with no persona to ask about, or in a conversation with no turns. */
  skipped: count(),
  realShown: count(),
  selected: count(),
  correct: count(),
  precision: rate(),
  recall: rate(),
  f1: rate(),
  distractors: z.object(
    Object.fromEntries(DISTRACTOR_KINDS.map((kind) => [kind, distractorSummarySchema])) as Record<
      (typeof DISTRACTOR_KINDS)[number],
      typeof distractorSummarySchema
    >,
  ),
});
export type FaithfulnessSummary = z.infer<typeof faithfulnessSummarySchema>;

/** Measures with no model (no tokens). */
export const offlineMetricsSchema = z.object({
  conversations: count(),
  /** Conversations without a word spoken (left out of distinct-n). */
  emptyConversations: count(),
  /** Turns with a speaker. */
  turns: count(),
  words: count(),
  /** Mean over conversations of distinct-1 (unique words / words), a conversation's turns joined. */
  distinct1: rate(),
  /** Mean over conversations of distinct-2 (unique word bigrams / bigrams). */
  distinct2: rate(),
  turnsPerConversation: z.number().nonnegative().nullable(),
  wordsPerTurn: z.number().nonnegative().nullable(),
  /** Mean persona grounding (share of each attribute's content words its speaker used). */
  grounding: rate(),
  /** Share of conversations with a word of the toxicity word list. */
  toxicityRate: rate(),
  /** Share that near-duplicate an earlier conversation of the target (MinHash Jaccard ≥ threshold). */
  nearDuplicateRate: rate(),
  /**
   * Share that near-duplicate a reference conversation (copied few-shot examples); null when the
   * target is its own reference.
   */
  seedCopyRate: rate(),
});
export type OfflineMetrics = z.infer<typeof offlineMetricsSchema>;

const measuredSchema = z.object({
  conversations: count(),
  /** Same as `turing.losingRate`, at the top for the iteration dashboard. */
  losingRate: rate(),
  turing: turingSummarySchema.nullable(),
  faithfulness: faithfulnessSummarySchema.nullable(),
  offline: offlineMetricsSchema,
});

export const iterationEvaluationSchema = measuredSchema.extend({
  iteration: z.number().int().positive(),
});
export type IterationEvaluation = z.infer<typeof iterationEvaluationSchema>;

export const overallEvaluationSchema = measuredSchema.extend({
  iterations: z.array(z.number().int().positive()),
});
export type OverallEvaluation = z.infer<typeof overallEvaluationSchema>;

export const evaluationUsageSchema = z.object({
  calls: count(),
  inputTokens: count(),
  outputTokens: count(),
  /** From the model registry, when the judge binding has a price. */
  costUsd: z.number().nonnegative().optional(),
});
export type EvaluationUsage = z.infer<typeof evaluationUsageSchema>;

/** eval.json: what `parley eval` measured, per iteration and overall. */
export const evaluationReportSchema = z.object({
  format: z.literal('parley-eval'),
  version: z.literal(1),
  /** The evaluated run folder or seed file. */
  target: z.string(),
  targetKind: z.enum(['release', 'seed-file']),
  /** The run id of a release. */
  run: z.string().nullable(),
  /** The file whose conversations play the human side; null when only offline metrics ran. */
  reference: z.string().nullable(),
  /** `provider:model` of the judge; null for offline metrics only. */
  judge: z.string().nullable(),
  createdAt: z.iso.datetime(),
  seedValue: z.number().int(),
  /** Conversations per iteration evaluated at most (--limit). */
  limit: z.number().int().positive().nullable(),
  nearDuplicateThreshold: z.number().min(0).max(1),
  durationMs: z.number().nonnegative(),
  usage: evaluationUsageSchema,
  iterations: z.array(iterationEvaluationSchema),
  overall: overallEvaluationSchema,
});
export type EvaluationReport = z.infer<typeof evaluationReportSchema>;

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Rates recomputed from counts. */
export function turingSummary(
  counts: Pick<TuringSummary, 'lose' | 'win' | 'tie' | 'unparseable' | 'skipped' | 'sameProfilePairs'>,
): TuringSummary {
  const pairs = counts.lose + counts.win + counts.tie;
  return {
    pairs,
    sameProfilePairs: counts.sameProfilePairs,
    lose: counts.lose,
    win: counts.win,
    tie: counts.tie,
    unparseable: counts.unparseable,
    skipped: counts.skipped,
    losingRate: ratio(counts.lose, pairs),
    winningRate: ratio(counts.win, pairs),
    tieRate: ratio(counts.tie, pairs),
  };
}

export function faithfulnessSummary(
  counts: Pick<
    FaithfulnessSummary,
    'items' | 'unparseable' | 'skipped' | 'realShown' | 'selected' | 'correct'
  > & {
    distractors: Record<(typeof DISTRACTOR_KINDS)[number], { shown: number; picked: number }>;
  },
): FaithfulnessSummary {
  const precision = ratio(counts.correct, counts.selected);
  const recall = ratio(counts.correct, counts.realShown);
  const f1 =
    precision === null || recall === null
      ? null
      : precision + recall === 0
        ? 0
        : (2 * precision * recall) / (precision + recall);
  return {
    items: counts.items,
    unparseable: counts.unparseable,
    skipped: counts.skipped,
    realShown: counts.realShown,
    selected: counts.selected,
    correct: counts.correct,
    precision,
    recall,
    f1,
    distractors: Object.fromEntries(
      DISTRACTOR_KINDS.map((kind) => {
        const { shown, picked } = counts.distractors[kind];
        return [kind, { shown, picked, pickRate: ratio(picked, shown) }];
      }),
    ) as FaithfulnessSummary['distractors'],
  };
}

/** Sums the counts of several iterations' Turing summaries; null when none ran. */
export function mergeTuring(summaries: ReadonlyArray<TuringSummary | null>): TuringSummary | null {
  const present = summaries.filter((summary): summary is TuringSummary => summary !== null);
  if (present.length === 0) return null;
  const sum = (field: 'lose' | 'win' | 'tie' | 'unparseable' | 'skipped' | 'sameProfilePairs') =>
    present.reduce((total, summary) => total + summary[field], 0);
  return turingSummary({
    lose: sum('lose'),
    win: sum('win'),
    tie: sum('tie'),
    unparseable: sum('unparseable'),
    skipped: sum('skipped'),
    sameProfilePairs: sum('sameProfilePairs'),
  });
}

export function mergeFaithfulness(
  summaries: ReadonlyArray<FaithfulnessSummary | null>,
): FaithfulnessSummary | null {
  const present = summaries.filter((summary): summary is FaithfulnessSummary => summary !== null);
  if (present.length === 0) return null;
  const sum = (field: 'items' | 'unparseable' | 'skipped' | 'realShown' | 'selected' | 'correct') =>
    present.reduce((total, summary) => total + summary[field], 0);
  return faithfulnessSummary({
    items: sum('items'),
    unparseable: sum('unparseable'),
    skipped: sum('skipped'),
    realShown: sum('realShown'),
    selected: sum('selected'),
    correct: sum('correct'),
    distractors: Object.fromEntries(
      DISTRACTOR_KINDS.map((kind) => [
        kind,
        {
          shown: present.reduce((total, summary) => total + summary.distractors[kind].shown, 0),
          picked: present.reduce((total, summary) => total + summary.distractors[kind].picked, 0),
        },
      ]),
    ) as Record<(typeof DISTRACTOR_KINDS)[number], { shown: number; picked: number }>,
  });
}

/** Offline metrics of several iterations together: each mean weighted by what it is a mean of. */
export function mergeOfflineMetrics(metrics: readonly OfflineMetrics[]): OfflineMetrics {
  const sum = (field: 'conversations' | 'emptyConversations' | 'turns' | 'words') =>
    metrics.reduce((total, metric) => total + metric[field], 0);
  const conversations = sum('conversations');
  const emptyConversations = sum('emptyConversations');
  const turns = sum('turns');
  const words = sum('words');
  const weighted = (
    value: (metric: OfflineMetrics) => number | null,
    weight: (metric: OfflineMetrics) => number,
  ) => {
    let total = 0;
    let weights = 0;
    for (const metric of metrics) {
      const measured = value(metric);
      if (measured === null) continue;
      total += measured * weight(metric);
      weights += weight(metric);
    }
    // Clamped: a weighted mean of shares is a share, whatever the float rounding.
    return weights > 0 ? Math.min(1, Math.max(0, total / weights)) : null;
  };
  const spoken = (metric: OfflineMetrics) => metric.conversations - metric.emptyConversations;
  const all = (metric: OfflineMetrics) => metric.conversations;
  return {
    conversations,
    emptyConversations,
    turns,
    words,
    distinct1: weighted((metric) => metric.distinct1, spoken),
    distinct2: weighted((metric) => metric.distinct2, spoken),
    turnsPerConversation: ratio(turns, conversations),
    wordsPerTurn: ratio(words, turns),
    grounding: weighted((metric) => metric.grounding, all),
    toxicityRate: weighted((metric) => metric.toxicityRate, all),
    nearDuplicateRate: weighted((metric) => metric.nearDuplicateRate, all),
    seedCopyRate: weighted((metric) => metric.seedCopyRate, all),
  };
}

/** The `overall` block: every iteration's counts together. */
export function overallOf(iterations: readonly IterationEvaluation[]): OverallEvaluation {
  const turing = mergeTuring(iterations.map((iteration) => iteration.turing));
  return {
    iterations: iterations.map((iteration) => iteration.iteration),
    conversations: iterations.reduce((total, iteration) => total + iteration.conversations, 0),
    losingRate: turing?.losingRate ?? null,
    turing,
    faithfulness: mergeFaithfulness(iterations.map((iteration) => iteration.faithfulness)),
    offline: mergeOfflineMetrics(iterations.map((iteration) => iteration.offline)),
  };
}
