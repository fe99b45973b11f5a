import type { Conversation, TurnBounds } from '@parley/core';
import { seedTurnBounds } from '@parley/generator';
import { OFFLINE_EXPERT_NAMES, type OfflineExpertName, type OfflineExpertsOptions } from '../offline-experts';
import { type OfflineScoreRow, scoreOffline } from '../score-offline';
import { idfWeights } from '../stem-weights';
import { structureProblems } from '../structure-expert';
import { CATCH_TARGETS, type DefectKind } from './defect-kinds';
import { type PlantDefectsOptions, type PlantedSet, plantDefects } from './plant-defects';

export interface CatchRateOptions {
  /** @defaultValue every offline expert */
  experts?: readonly OfflineExpertName[];
  /** Expert settings; the structure bounds default to the ones derived from the conversations. */
  expertOptions?: OfflineExpertsOptions;
}

/** How the untouched conversations fared. */
export interface UntouchedReport {
  total: number;
  /** Rejected only for unfilled placeholders. */
  placeholderOnly: number;
  /** Rejected for a reason other than unfilled placeholders. */
  rejected: number;
  rejectionRate: number;
  /** Passed by every expert: the conversations defects are planted into. */
  clean: number;
  /** Rejections (not placeholder-only) by expert; a conversation may count for several. */
  byExpert: Partial<Record<OfflineExpertName, number>>;
}

/** How one kind of planted defect fared. */
export interface KindReport {
  kind: DefectKind;
  planted: number;
  skipped: number;
  caught: number;
  /** caught / planted; NaN when nothing was planted. */
  share: number;
  /** Planted copies each expert rejected; a copy may count for several. */
  byExpert: Partial<Record<OfflineExpertName, number>>;
  target?: number;
}

export interface CatchReport {
  bounds: TurnBounds;
  untouched: UntouchedReport;
  kinds: KindReport[];
}

/**
 * The experts' verdicts on untouched conversations, with the conversations every expert passes
 * (the clean base defects are planted into: whatever rejects a planted copy caught its defect).
 */
export async function scoreUntouched(
  conversations: readonly Conversation[],
  options: CatchRateOptions & { bounds: TurnBounds },
): Promise<{ report: UntouchedReport; clean: Conversation[] }> {
  const experts = options.experts ?? OFFLINE_EXPERT_NAMES;
  const { rows } = await scoreOffline(conversations, experts, expertOptions(options));
  const byExpert: UntouchedReport['byExpert'] = {};
  let rejected = 0;
  let placeholderOnly = 0;
  const clean: Conversation[] = [];
  rows.forEach((row, index) => {
    const conversation = conversations[index]!;
    const all = failingExperts(row);
    const structure = all.includes('structure')
      ? structureReasons(conversation, options.bounds, options.expertOptions)
      : { other: false };
    const failing = all.filter((name) => name !== 'structure' || structure.other);
    if (all.length === 0) clean.push(conversation);
    else if (failing.length === 0) placeholderOnly++;
    else {
      rejected++;
      for (const name of failing) byExpert[name] = (byExpert[name] ?? 0) + 1;
    }
  });
  const total = conversations.length;
  const rate = (count: number) => (total === 0 ? 0 : count / total);
  return {
    report: {
      total,
      placeholderOnly,
      rejected,
      rejectionRate: rate(rejected),
      clean: clean.length,
      byExpert,
    },
    clean,
  };
}

/** The share of each planted set the experts reject, and which expert rejected it. */
export async function scorePlantedSets(
  sets: readonly PlantedSet[],
  options: CatchRateOptions & { bounds: TurnBounds },
): Promise<KindReport[]> {
  const experts = options.experts ?? OFFLINE_EXPERT_NAMES;
  const reports: KindReport[] = [];
  for (const set of sets) {
    // Each set on its own, as `parley critic score` reads one file: a copy is never compared
    // with the untouched conversation it came from.
    const { rows } = await scoreOffline(
      set.planted.map((item) => item.conversation),
      experts,
      expertOptions(options),
    );
    const byExpert: KindReport['byExpert'] = {};
    let caught = 0;
    for (const row of rows) {
      const failing = failingExperts(row);
      if (failing.length > 0) caught++;
      for (const name of failing) byExpert[name] = (byExpert[name] ?? 0) + 1;
    }
    reports.push({
      kind: set.kind,
      planted: set.planted.length,
      skipped: set.skipped.length,
      caught,
      share: set.planted.length === 0 ? Number.NaN : caught / set.planted.length,
      byExpert,
      ...(CATCH_TARGETS[set.kind] === undefined ? {} : { target: CATCH_TARGETS[set.kind] }),
    });
  }
  return reports;
}

/**
 * The whole measurement on one seed: score the untouched conversations, plant every defect
 * kind into the clean ones, and score each planted set. Turn bounds and the grounding weights
 * (idfWeights) come from the seed, as a run derives them.
 */
export async function measureCatchRates(
  conversations: readonly Conversation[],
  options: CatchRateOptions & PlantDefectsOptions = {},
): Promise<CatchReport> {
  const bounds = seedTurnBounds(conversations);
  const scoring = {
    ...options,
    bounds,
    expertOptions: { weights: idfWeights(conversations), ...options.expertOptions },
  };
  const untouched = await scoreUntouched(conversations, scoring);
  const sets = plantDefects(untouched.clean, options);
  return { bounds, untouched: untouched.report, kinds: await scorePlantedSets(sets, scoring) };
}

function expertOptions(options: CatchRateOptions & { bounds: TurnBounds }): OfflineExpertsOptions {
  return {
    ...options.expertOptions,
    structure: { ...options.bounds, ...options.expertOptions?.structure },
  };
}

function failingExperts(row: OfflineScoreRow): OfflineExpertName[] {
  return (Object.entries(row.verdicts) as Array<[OfflineExpertName, { passed?: boolean }]>)
    .filter(([, verdict]) => verdict.passed === false)
    .map(([name]) => name);
}

/** What the structure expert found beyond placeholders: scene notes (lines without a speaker), other problems. */
function structureReasons(
  conversation: Conversation,
  bounds: TurnBounds,
  options: OfflineExpertsOptions | undefined,
): { other: boolean } {
  const problems = structureProblems(conversation, { ...bounds, ...options?.structure }).filter(
    (problem) => !problem.includes('unfilled placeholder'),
  );
  return { other: problems.length > 0 };
}
