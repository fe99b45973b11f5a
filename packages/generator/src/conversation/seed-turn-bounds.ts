import {
  ConfigError,
  type Conversation,
  type GeneratorConfig,
  type RunConfig,
  TURN_BOUNDS_FROM_SEED,
  type TurnBounds,
} from '@parley/core';
import { readSeed } from '@parley/dataset';

/** Turn bounds derived from a seed, with the figures they came from (for logs and docs/critic.md). */
export interface SeedTurnBounds extends TurnBounds {
  /** Speakers counted: two per conversation that has turns. */
  speakers: number;
  p5: number;
  median: number;
  p95: number;
}

/**
 * Turn bounds from a seed's turns per speaker (see TURN_BOUNDS_FROM_SEED): every conversation
 * with turns gives two counts, one per speaker. Throws when no conversation has a turn.
 */
export function seedTurnBounds(conversations: Iterable<Conversation>): SeedTurnBounds {
  const counts: number[] = [];
  for (const conversation of conversations) {
    if (conversation.turns.length === 0) continue;
    let user1 = 0;
    let user2 = 0;
    for (const turn of conversation.turns) {
      if (turn.speaker === 'user1') user1++;
      else if (turn.speaker === 'user2') user2++;
    }
    counts.push(user1, user2);
  }
  if (counts.length === 0) throw new RangeError('no conversation with turns to derive turn bounds from');
  counts.sort((a, b) => a - b);
  const rule = TURN_BOUNDS_FROM_SEED;
  const p5 = quantile(counts, rule.lowerQuantile);
  const p95 = quantile(counts, rule.upperQuantile);
  const minTurnsPerSpeaker = Math.max(1, Math.floor(p5 * rule.lowerFactor));
  const maxTurnsPerSpeaker = Math.max(minTurnsPerSpeaker, Math.ceil(p95 * rule.upperFactor));
  return {
    minTurnsPerSpeaker,
    maxTurnsPerSpeaker,
    speakers: counts.length,
    p5,
    median: quantile(counts, 0.5),
    p95,
  };
}

/**
 * The Generator's turn bounds: the ones the config sets, the others derived from `conversations`
 * (a bound the job sets is kept even when the derived other end would cross it).
 */
export function resolveTurnBounds(
  generator: Pick<GeneratorConfig, 'minTurnsPerSpeaker' | 'maxTurnsPerSpeaker'>,
  conversations: () => Iterable<Conversation>,
): TurnBounds {
  const { minTurnsPerSpeaker, maxTurnsPerSpeaker } = generator;
  if (minTurnsPerSpeaker !== undefined && maxTurnsPerSpeaker !== undefined) {
    return { minTurnsPerSpeaker, maxTurnsPerSpeaker };
  }
  const derived = seedTurnBounds(conversations());
  const min = minTurnsPerSpeaker ?? Math.min(derived.minTurnsPerSpeaker, maxTurnsPerSpeaker ?? Infinity);
  const max = maxTurnsPerSpeaker ?? Math.max(derived.maxTurnsPerSpeaker, min);
  return { minTurnsPerSpeaker: min, maxTurnsPerSpeaker: max };
}

/**
 * A run's config with its turn bounds filled in from its seed file when the job leaves them
 * unset. Called once where a run is created, so the stored config (which every worker reads)
 * holds the numbers and the Generator prompt, its output schema and the structure filter agree.
 */
export async function withSeedTurnBounds(config: RunConfig): Promise<RunConfig> {
  const { generator } = config;
  if (generator.minTurnsPerSpeaker !== undefined && generator.maxTurnsPerSpeaker !== undefined) return config;
  const { records } = await readSeed(config.seed.path, {
    format: config.seed.format,
    mode: config.seed.mode,
    limit: config.seed.limit,
  }).collect();
  try {
    const bounds = resolveTurnBounds(generator, () => records.map((record) => record.conversation));
    return { ...config, generator: { ...generator, ...bounds } };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ConfigError([
      {
        path: 'generator.minTurnsPerSpeaker',
        message: `unset, and ${config.seed.path} has no conversation with turns to derive it from`,
      },
    ]);
  }
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}
