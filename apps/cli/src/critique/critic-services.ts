import type { Conversation, RunConfig } from '@parley/core';
import {
  type CriticPanel,
  createCriticPanel,
  expertModel,
  InMemoryNearDuplicateIndex,
  idfWeights,
} from '@parley/critic';
import { withSeedTurnBounds } from '@parley/generator';
import { createModelRegistry, type ModelRegistry } from '@parley/llm';
import type { Redis } from 'ioredis';

export interface CriticServicesOptions {
  /** The new job (paths resolved). */
  config: RunConfig;
  redis: Redis;
  prefix: string;
  /** The id the critique's calls are accounted under (usage, budget). */
  runId: string;
  environment: NodeJS.ProcessEnv;
  simulatorUrl?: string;
  /** Relative key files start here (the job file's folder). */
  baseDirectory: string;
  /** The seed's first example pool: grounding and roles weigh persona words by rarity in it. */
  groundingPool: readonly Conversation[];
}

/**
 * The Critic of a job built as a worker builds it for a run: its models behind the usual
 * middleware (limits, budget, usage by stage), the panel with the structure expert's turn bounds
 * (the generator's, or derived from the seed as a new run derives them), grounding weights from
 * the seed pool, and a near-duplicate index of its own (in memory: one process judges).
 */
export async function createCriticServices(
  options: CriticServicesOptions,
): Promise<{ panel: CriticPanel; registry: ModelRegistry }> {
  const { config } = options;
  const registry = createModelRegistry({
    config,
    redis: options.redis,
    runId: options.runId,
    prefix: options.prefix,
    environment: options.environment,
    baseDirectory: options.baseDirectory,
    ...(options.simulatorUrl ? { simulatorUrl: options.simulatorUrl } : {}),
  });
  const bounded = await withSeedTurnBounds(config);
  const usesModeration =
    config.critic.filters.includes('toxicity') && config.critic.toxicity === 'moderation';
  const panel = createCriticPanel(config.critic, {
    models: (name) => registry.languageModel(name),
    moderation: usesModeration ? registry.moderationModel(expertModel(config.critic, 'toxicity')) : undefined,
    nearDuplicateIndex: new InMemoryNearDuplicateIndex(),
    groundingWeights: idfWeights(options.groundingPool),
    structure: {
      minTurnsPerSpeaker: bounded.generator.minTurnsPerSpeaker,
      maxTurnsPerSpeaker: bounded.generator.maxTurnsPerSpeaker,
    },
  });
  return { panel, registry };
}

/** The model bindings the Critic of a job calls: its default model and every expert override. */
export function criticBindings(config: RunConfig): string[] {
  const critic = config.critic;
  const llmExperts = critic.filters.filter((name) => name === 'faithfulness' || name === 'toxicity');
  const names = new Set<string>();
  for (const expert of llmExperts) {
    if (expert === 'toxicity' && critic.toxicity === 'wordlist') continue;
    names.add(expertModel(critic, expert));
  }
  const rankers = critic.mode === 'rubric' ? ['rubric'] : critic.policies;
  for (const ranker of rankers) names.add(expertModel(critic, ranker));
  return [...names].filter((name) => config.models[name] !== undefined).sort();
}
