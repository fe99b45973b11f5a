import { mkdir } from 'node:fs/promises';
import { createRedisConnection, type RunConfig, type RunRecord } from '@parley/core';
import { pathExists, readSeed, type SeedRecord, writeFileAtomic } from '@parley/dataset';
import {
  collectSeedAttributes,
  expandPersonas,
  JsonlPersonaStore,
  seedPairsFromConversations,
} from '@parley/generator';
import { createModelRegistry } from '@parley/llm';
import type { Logger } from 'pino';
import { createBullmqChunkRunner } from './bullmq-chunk-runner';
import { type PreparedRun, readPairs } from './run-driver';
import type { RunFolder } from './run-folder';
import { examplesFitFromSeed, seedExamplePool } from './seed-example-pool';

export interface PrepareRunOptions {
  prefix: string;
  redisUrl?: string;
  logger: Logger;
}

/**
 * Before the first iteration: read the seed, take its pairs (seed-pairs mode) or run stages
 * 1–3 on the workers (expand mode), and pick the seed example pool. Idempotent: a resumed run
 * reuses pairs.jsonl and stored stage chunks.
 */
export function createRunPreparer(options: PrepareRunOptions) {
  return async (run: RunRecord, config: RunConfig, folder: RunFolder): Promise<PreparedRun> => {
    await mkdir(folder.root, { recursive: true });
    const records: SeedRecord[] = [];
    const reader = readSeed(config.seed.path, {
      format: config.seed.format,
      mode: config.seed.mode,
      limit: config.seed.limit,
    });
    for await (const record of reader) records.push(record);
    const conversations = records.map((record) => record.conversation);
    const seedPool = examplesFitFromSeed(records);

    if (await pathExists(folder.pairs)) {
      const pairs = await readPairs(folder.pairs);
      warnIfPairsRunShort(pairs.length, config, run.id, options.logger);
      return { pairs, seedPool: seedExamplePool(seedPool, config) };
    }
    await mkdir(folder.workFolder, { recursive: true });

    if (config.personas.mode === 'seed-pairs') {
      const { pairs, skipped } = seedPairsFromConversations(conversations);
      await writeStageStatistics(folder, {
        mode: 'seed-pairs',
        seedConversations: conversations.length,
        pairs: pairs.length,
        skippedWithoutPersona: skipped.length,
      });
      warnIfPairsRunShort(pairs.length, config, run.id, options.logger);
      await writeJsonlAtomic(
        folder.profiles,
        pairs.flatMap((pair) => [pair.user1, pair.user2]),
      );
      const attributes = collectSeedAttributes(conversations);
      await writeJsonlAtomic(
        folder.personas,
        attributes.map((text, index) => ({ id: `seed-${index + 1}`, text, source: 'seed' })),
      );
      await writeJsonlAtomic(folder.pairs, pairs);
      return { pairs, seedPool: seedExamplePool(seedPool, config) };
    }

    const redis = createRedisConnection({ url: options.redisUrl });
    const blocking = createRedisConnection({ url: options.redisUrl, role: 'blocking' });
    const runner = createBullmqChunkRunner({ redis, blocking, prefix: options.prefix, runId: run.id });
    try {
      const registry = createModelRegistry({
        config,
        redis,
        runId: run.id,
        prefix: options.prefix,
        logger: options.logger.child({ run: run.id }),
        simulatorUrl: run.simulatorUrl ?? process.env.PARLEY_SIMULATOR_URL,
        inProcessSimulator: run.simulatorUrl !== undefined,
      });
      const result = await expandPersonas({
        seedAttributes: collectSeedAttributes(conversations),
        config: config.personas,
        randomSeed: config.randomSeed,
        embeddingModel:
          config.personas.embedding === 'offline'
            ? undefined
            : registry.embeddingModel(config.personas.embedding),
        runChunk: runner.runChunk,
        store: new JsonlPersonaStore(folder.root, folder.chunksFolder),
        concurrency: config.concurrency.personas,
        context: { runId: run.id, stage: 'personas:embed' },
        onChunk: (event) => options.logger.debug({ run: run.id, ...event }, 'personas-chunk'),
      });
      options.logger.info(
        { run: run.id, pairs: result.pairs.length, stats: result.stats.pairs },
        'personas-expanded',
      );
      // Timings and chunk reuse vary between attempts; the release cites what was produced.
      const { timingsMs: _timings, chunks: _chunks, ...stats } = result.stats;
      await writeStageStatistics(folder, { mode: 'expand', ...stats });
      warnIfPairsRunShort(result.pairs.length, config, run.id, options.logger);
      return { pairs: result.pairs, seedPool: seedExamplePool(seedPool, config) };
    } finally {
      await runner.close();
      redis.disconnect();
      blocking.disconnect();
    }
  };
}

/**
 * Fewer unique pairs than `pairs` per iteration means each iteration meets some pairs twice
 * (ids `<pair>-rN`): said here once, and counted in the release's warnings.
 */
function warnIfPairsRunShort(unique: number, config: RunConfig, runId: string, logger: Logger): void {
  if (unique === 0 || unique >= config.pairs) return;
  logger.warn(
    {
      run: runId,
      uniquePairs: unique,
      pairsPerIteration: config.pairs,
      repeatsPerIteration: config.pairs - unique,
    },
    'pairs-repeated-within-iteration',
  );
}

/** What stages 1–3 (or the seed-pairs mode) did, for the release's provenance. */
function writeStageStatistics(folder: RunFolder, statistics: Record<string, unknown>): Promise<void> {
  return writeFileAtomic(folder.stageStatistics, `${JSON.stringify(statistics, null, 2)}\n`);
}

function writeJsonlAtomic(file: string, records: readonly unknown[]): Promise<void> {
  return writeFileAtomic(file, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
}
