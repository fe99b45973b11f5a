import type { Conversation, ExpertVerdict } from '@parley/core';
import { createOfflineExperts, type OfflineExpertName, type OfflineExpertsOptions } from './offline-experts';
import { type ScoreSummary, summarizeScores } from './score-summary';

/** Every chosen expert's verdict on one conversation. */
export interface OfflineScoreRow {
  /** Position in the input, from 0. */
  index: number;
  id: string;
  verdicts: Partial<Record<OfflineExpertName, ExpertVerdict>>;
}

/** How one expert judged a set of conversations. */
export interface OfflineExpertSummary {
  total: number;
  passed: number;
  passRate: number;
  /** Distribution of its scores; null for experts that give none (structure, word list). */
  scores: ScoreSummary | null;
}

/**
 * Runs the named offline experts over every conversation (all of them, no cascade, so each
 * expert's pass rate stands alone). The near-duplicate expert compares each conversation with
 * the ones before it, so a file's internal near copies are found.
 */
export async function scoreOffline(
  conversations: Iterable<Conversation>,
  names: readonly OfflineExpertName[],
  options: OfflineExpertsOptions = {},
  onRow?: (row: OfflineScoreRow) => void,
): Promise<{ rows: OfflineScoreRow[]; summary: Partial<Record<OfflineExpertName, OfflineExpertSummary>> }> {
  const experts = createOfflineExperts(names, options);
  const rows: OfflineScoreRow[] = [];
  let index = 0;
  for (const conversation of conversations) {
    const verdicts: OfflineScoreRow['verdicts'] = {};
    for (const { name, expert } of experts) verdicts[name] = await expert.review(conversation, {});
    for (const { expert } of experts) await expert.accept?.(conversation);
    const row = { index: index++, id: conversation.id, verdicts };
    rows.push(row);
    onRow?.(row);
  }
  const summary: Partial<Record<OfflineExpertName, OfflineExpertSummary>> = {};
  for (const { name } of experts) {
    const verdicts = rows.map((row) => row.verdicts[name]!);
    const passed = verdicts.filter((verdict) => verdict.passed === true).length;
    summary[name] = {
      total: verdicts.length,
      passed,
      passRate: verdicts.length === 0 ? 0 : passed / verdicts.length,
      scores: summarizeScores(
        verdicts.flatMap((verdict) => (verdict.score === undefined ? [] : [verdict.score])),
      ),
    };
  }
  return { rows, summary };
}
