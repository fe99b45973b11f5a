import { InputError, randomFor, type SeededRandom } from '@parley/core';

/**
 * Whether two attributes (by index) contradict each other. `lookup` answers from what is
 * known; `resolve` learns the verdicts of the pairs `lookup` did not know (an LLM check runs
 * them as chunks; the offline heuristic knows every pair and never needs it).
 */
export interface ConsistencyOracle {
  /** True: contradiction; false: consistent; undefined: not checked yet. */
  lookup(first: number, second: number): boolean | undefined;
  resolve(pairs: ReadonlyArray<readonly [number, number]>, round: number): Promise<void>;
}

/** Options of {@link buildProfiles}. */
export interface ProfileBuildOptions {
  /** Attributes per profile. */
  size: number;
  /** Profiles to build. */
  count: number;
  /** Reject an attribute whose cosine to one already in the profile exceeds this. */
  redundancyThreshold: number;
  /**
   * Draws per attribute slot before a draft profile is given up (size × this in all).
   * @defaultValue 50
   */
  maxDrawsPerAttribute?: number;
  /** Drafts started at most, as a multiple of `count` (abandoned and duplicate ones count). @defaultValue 3 */
  maxDraftsPerProfile?: number;
  /** Draw → check → repair rounds at most. @defaultValue 20 */
  maxRounds?: number;
}

export const DEFAULT_PROFILE_BUILD_OPTIONS = {
  maxDrawsPerAttribute: 50,
  maxDraftsPerProfile: 3,
  maxRounds: 20,
} as const;

/** What profile building rejected, by reason. */
export interface ProfileBuildStats {
  built: number;
  drafts: number;
  rounds: number;
  /** Draws rejected as too similar to an attribute already in the profile. */
  redundant: number;
  /** Draws (or tentatively kept attributes) rejected as contradicting one in the profile. */
  inconsistent: number;
  /** Completed profiles dropped because the same attribute set already exists. */
  duplicateProfiles: number;
  /** Drafts given up after their draw budget. */
  abandoned: number;
}

interface Draft {
  index: number;
  random: SeededRandom;
  members: number[];
  /** Attributes this draft has ruled out: never drawn twice. */
  excluded: Set<number>;
  draws: number;
}

/**
 * Stage 2: builds `count` profiles of `size` attributes each, drawing attributes uniformly one
 * at a time (each draft from its own seeded stream) and rejecting redundant and inconsistent
 * ones. With a checker that needs calls, a round draws tentatively, checks every unknown pair
 * in one batch, then drops the later attribute of each contradicting pair and draws again.
 * Returns profiles as attribute indices, in draft order; no two share the same attribute set.
 */
export async function buildProfiles(input: {
  attributeCount: number;
  similarity: (first: number, second: number) => number;
  oracle: ConsistencyOracle;
  options: ProfileBuildOptions;
  randomSeed: number;
}): Promise<{ profiles: number[][]; stats: ProfileBuildStats }> {
  const options = { ...DEFAULT_PROFILE_BUILD_OPTIONS, ...input.options };
  const { attributeCount, similarity, oracle } = input;
  if (attributeCount < options.size) {
    throw new InputError(
      'personas.profiles.size',
      `${options.size} attributes per profile, only ${attributeCount} exist`,
    );
  }
  const stats: ProfileBuildStats = {
    built: 0,
    drafts: 0,
    rounds: 0,
    redundant: 0,
    inconsistent: 0,
    duplicateProfiles: 0,
    abandoned: 0,
  };
  const completed: Array<{ index: number; members: number[] }> = [];
  const seenSets = new Set<string>();
  let active: Draft[] = [];
  const maxDrafts = options.count * options.maxDraftsPerProfile;
  const maxDraws = options.size * options.maxDrawsPerAttribute;

  for (let round = 0; round < options.maxRounds && completed.length < options.count; round++) {
    while (active.length + completed.length < options.count && stats.drafts < maxDrafts) {
      const index = stats.drafts++;
      active.push({
        index,
        random: randomFor(input.randomSeed, 'profile-draft', index),
        members: [],
        excluded: new Set(),
        draws: 0,
      });
    }
    if (active.length === 0) break;
    stats.rounds = round + 1;

    // Draw: fill every draft, checking what is already known.
    const pending = new Map<string, readonly [number, number]>();
    for (const draft of active) {
      while (draft.members.length < options.size && draft.draws < maxDraws) {
        draft.draws++;
        const candidate = draft.random.below(attributeCount);
        if (draft.excluded.has(candidate) || draft.members.includes(candidate)) continue;
        if (draft.members.some((member) => similarity(candidate, member) > options.redundancyThreshold)) {
          draft.excluded.add(candidate);
          stats.redundant++;
          continue;
        }
        const verdicts = draft.members.map((member) => oracle.lookup(candidate, member));
        if (verdicts.includes(true)) {
          draft.excluded.add(candidate);
          stats.inconsistent++;
          continue;
        }
        verdicts.forEach((verdict, position) => {
          if (verdict !== undefined) return;
          const member = draft.members[position] as number;
          pending.set(pairKey(candidate, member), [candidate, member]);
        });
        draft.members.push(candidate);
      }
    }
    if (pending.size > 0) await oracle.resolve([...pending.values()], round);

    // Repair: keep members in draw order while they agree with every member kept before them.
    const stillActive: Draft[] = [];
    for (const draft of active) {
      const kept: number[] = [];
      for (const member of draft.members) {
        if (kept.some((other) => oracle.lookup(member, other) !== false)) {
          draft.excluded.add(member);
          stats.inconsistent++;
        } else {
          kept.push(member);
        }
      }
      draft.members = kept;
      if (kept.length === options.size) {
        const key = [...kept].sort((a, b) => a - b).join(',');
        if (seenSets.has(key)) stats.duplicateProfiles++;
        else {
          seenSets.add(key);
          completed.push({ index: draft.index, members: kept });
        }
      } else if (draft.draws >= maxDraws) {
        stats.abandoned++;
      } else {
        stillActive.push(draft);
      }
    }
    active = stillActive;
  }
  completed.sort((a, b) => a.index - b.index);
  stats.built = completed.length;
  return { profiles: completed.map((profile) => profile.members), stats };
}

/** Order-free key of an attribute pair. */
export function pairKey(first: number, second: number): string {
  return first < second ? `${first},${second}` : `${second},${first}`;
}
