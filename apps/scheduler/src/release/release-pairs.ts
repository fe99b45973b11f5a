import path from 'node:path';
import { InputError, profilePairSchema, type ReleaseSplit, type RunConfig } from '@parley/core';
import { z } from 'zod';
import { basePairIdOf, planOccurrences } from '../iteration-plan';
import { assignSplits, type SplitAssignmentStats, splitAssignmentStatsSchema } from './profile-splits';
import { readJsonlRecords } from './read-jsonl-records';

/** What the release adds to a line about its pair: ids in pairs.jsonl and profiles.jsonl, split. */
export interface PairFacts {
  profilePair: string;
  user1Profile: string;
  user2Profile: string;
  split: ReleaseSplit | null;
}

/** How the run's plan used pairs.jsonl, for the manifest and the card's warning. */
export const pairUsageSchema = z.object({
  /** Pairs in pairs.jsonl. */
  unique: z.number().int().nonnegative(),
  /** `pairs` of the config: pairs planned per iteration. */
  perIteration: z.number().int().nonnegative(),
  /** Pairs the whole plan asks for (iterations × perIteration). */
  planned: z.number().int().nonnegative(),
  /** Distinct pairs of pairs.jsonl the plan uses. */
  used: z.number().int().nonnegative(),
  /**
   * Planned pairs that repeat a pair already planned in the same iteration (ids ending `-rN`),
   * because pairs.jsonl holds fewer pairs than `perIteration`.
   */
  repeatedWithinIteration: z.number().int().nonnegative(),
});
export type PairUsage = z.infer<typeof pairUsageSchema>;

export const releasePairsSchema = z.object({ usage: pairUsageSchema, splits: splitAssignmentStatsSchema });

/** The run's pairs as the release needs them: resolution of planned ids, and the split of each. */
export class ReleasePairs {
  private constructor(
    private readonly byId: Map<string, PairFacts>,
    readonly usage: PairUsage,
    readonly splits: SplitAssignmentStats,
  ) {}

  /**
   * Reads `<runFolder>/pairs.jsonl` (ids and profile ids only, so memory stays small) and
   * assigns splits over the run's whole plan (`config.iterations` × `config.pairs`).
   */
  static async read(runFolder: string, config: RunConfig): Promise<ReleasePairs> {
    const file = path.join(runFolder, 'pairs.jsonl');
    const pairs: Array<{ id: string; user1: string; user2: string }> = [];
    const seen = new Set<string>();
    try {
      for await (const { line, record } of readJsonlRecords(file, pairIdsSchema, {
        what: 'a profile pair',
        code: 'RELEASE_INPUT_INVALID',
      })) {
        const { id, user1, user2 } = record;
        if (seen.has(id))
          throw new InputError(`${file}:${line}`, `pair id ${id} appears twice`, {
            code: 'RELEASE_INPUT_INVALID',
          });
        seen.add(id);
        pairs.push({ id, user1: user1.id, user2: user2.id });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new InputError(
          file,
          'missing: a release needs the run’s pairs (written before the first iteration)',
          {
            code: 'RELEASE_INPUT_INVALID',
          },
        );
      }
      throw error;
    }
    const plan = planOccurrences(pairs.length, config.iterations, config.pairs);
    const assignment = assignSplits(
      pairs.map((pair, index) => ({ ...pair, planned: plan.perPair[index] ?? 0 })),
      config.output.split,
    );
    const byId = new Map<string, PairFacts>();
    for (const pair of pairs) {
      byId.set(pair.id, {
        profilePair: pair.id,
        user1Profile: pair.user1,
        user2Profile: pair.user2,
        split: assignment.pairs.get(pair.id) ?? null,
      });
    }
    const usage: PairUsage = {
      unique: pairs.length,
      perIteration: config.pairs,
      planned: plan.planned,
      used: plan.perPair.filter((count) => count > 0).length,
      repeatedWithinIteration: plan.repeatedWithinIteration,
    };
    return new ReleasePairs(byId, usage, assignment.stats);
  }

  /** The facts of a planned pair id (`pair-7` or its repeat `pair-7-r1`); undefined if unknown. */
  of(plannedId: string): PairFacts | undefined {
    const base = basePairIdOf(plannedId, (id) => this.byId.has(id));
    return base === undefined ? undefined : this.byId.get(base);
  }

  /** Like {@link of}, but an unknown id is an error naming where it was met. */
  require(plannedId: string, where: string): PairFacts {
    const facts = this.of(plannedId);
    if (!facts) {
      throw new InputError(where, `pair ${plannedId} is not in pairs.jsonl (nor a repeat of one)`, {
        code: 'RELEASE_INPUT_INVALID',
      });
    }
    return facts;
  }
}

/** The part of a pairs.jsonl line the release reads. */
const pairIdsSchema = profilePairSchema.pick({ id: true }).extend({
  user1: z.object({ id: z.string().min(1) }),
  user2: z.object({ id: z.string().min(1) }),
});
