import { type Conversation, type RunStore, TERMINAL_STATUSES } from '@parley/core';
import { createCriticPanel, expertModel, idfWeights } from '@parley/critic';
import { createModelRegistry } from '@parley/llm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisNearDuplicateIndex } from './redis-near-duplicate-index';
import type { RunServices } from './run-services';

export interface RunServicesCacheOptions {
  store: RunStore;
  /** Command connection shared by the run's models (limits, budget, usage, cache). */
  redis: Redis;
  logger: Logger;
  environment?: NodeJS.ProcessEnv;
  /** How long a cancellation may go unnoticed, in ms. @defaultValue 1000 */
  statusTtlMs?: number;
}

/**
 * Builds each run's services once per process, on its first job: the run's config from Redis,
 * its models (keys from this process's environment, never from job data), its Critic panel
 * with the run's shared near-duplicate index, and its example pools.
 */
export class RunServicesCache {
  private readonly runs = new Map<string, Promise<RunServices>>();

  constructor(private readonly options: RunServicesCacheOptions) {}

  servicesFor = (runId: string): Promise<RunServices> => {
    let services = this.runs.get(runId);
    if (!services) {
      services = this.build(runId);
      services.catch(() => this.runs.delete(runId));
      this.runs.set(runId, services);
      this.evictOldest();
    }
    return services;
  };

  private async build(runId: string): Promise<RunServices> {
    const { store, redis, logger } = this.options;
    const environment = this.options.environment ?? process.env;
    const run = await store.getRun(runId);
    if (!run) throw new Error(`run ${runId} is not in Redis`);
    const config = await store.getConfig(runId);
    const registry = createModelRegistry({
      config,
      redis,
      runId,
      prefix: store.prefix,
      logger: logger.child({ run: runId }),
      environment,
      simulatorUrl: run.simulatorUrl ?? environment.PARLEY_SIMULATOR_URL,
      // Only embedded runs record a simulator URL: the one they started from the job.
      inProcessSimulator: run.simulatorUrl !== undefined,
    });
    const usesModeration =
      config.critic.filters.includes('toxicity') && config.critic.toxicity === 'moderation';
    const panel = createCriticPanel(config.critic, {
      models: (name) => registry.languageModel(name),
      moderation: usesModeration
        ? registry.moderationModel(expertModel(config.critic, 'toxicity'))
        : undefined,
      nearDuplicateIndex: new RedisNearDuplicateIndex(redis, store.prefix, runId),
      // Grounding weighs persona words by their rarity in the seed (its example pool).
      groundingWeights: idfWeights((await store.getExamplePool(runId, 1)) ?? []),
      structure: {
        minTurnsPerSpeaker: config.generator.minTurnsPerSpeaker,
        maxTurnsPerSpeaker: config.generator.maxTurnsPerSpeaker,
      },
    });
    const pools = new Map<number, Promise<Conversation[]>>();
    const statusTtlMs = this.options.statusTtlMs ?? 1_000;
    let status = { cancelled: false, checkedAt: 0 };
    const cachedRuns = this.runs;

    return {
      runId,
      config,
      generatorModel: registry.languageModel(config.generator.model),
      personaModels: {
        personas: registry.languageModel(config.personas.model ?? config.generator.model),
        consistency: config.personas.profiles.consistencyModel
          ? registry.languageModel(config.personas.profiles.consistencyModel)
          : undefined,
      },
      critic: {
        filter: (candidate, scope) => panel.filter(candidate, scope),
        select: (survivors, scope) => panel.select(survivors, scope),
        rememberAccepted: (conversation) => panel.accept(conversation),
        releaseRejected: (conversations) => panel.release(conversations),
      },
      examplePool(iteration) {
        let pool = pools.get(iteration);
        if (!pool) {
          pool = store.getExamplePool(runId, iteration).then((found) => found ?? []);
          // An empty answer may mean "not stored yet": ask again next time.
          pool
            .then((found) => found.length === 0 && pools.delete(iteration))
            .catch(() => pools.delete(iteration));
          pools.set(iteration, pool);
        }
        return pool;
      },
      async isCancelled() {
        if (Date.now() - status.checkedAt > statusTtlMs) {
          const current = await store.getRun(runId);
          status = {
            cancelled: !current || current.cancelRequested === true || current.status === 'cancelled',
            checkedAt: Date.now(),
          };
          if (current && TERMINAL_STATUSES.has(current.status)) cachedRuns.delete(runId);
        }
        return status.cancelled;
      },
      async close() {
        cachedRuns.delete(runId);
      },
    };
  }

  /** Long-lived workers see many runs; keep the most recent few. */
  private evictOldest(limit = 32): void {
    while (this.runs.size > limit) {
      const oldest = this.runs.keys().next().value as string;
      this.runs.delete(oldest);
    }
  }
}
