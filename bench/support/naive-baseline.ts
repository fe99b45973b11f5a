import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { addUsage, type Conversation, type RunConfig, type TokenUsage, ZERO_USAGE } from '@parley/core';
import { createCriticPanel } from '@parley/critic';
import { readSeed } from '@parley/dataset';
import { generateCandidate } from '@parley/generator';
import {
  type LanguageModel,
  type ObjectRequest,
  type ObjectResult,
  OpenAILanguageModel,
  type TextRequest,
  type TextResult,
} from '@parley/llm';
import { readPairs } from '@parley/scheduler';
import { PromisePool } from './promise-pool';

/** What the baseline did. */
export interface BaselineOutcome {
  /** First call started → last pair decided. */
  wallMs: number;
  pairs: number;
  accepted: number;
  /** SDK calls made (every one answered: the baseline has no retries). */
  calls: number;
  usage: TokenUsage;
  /** Most calls in flight at once (never above the pool's concurrency). */
  highestInFlight: number;
}

/**
 * Every model call goes through one promise pool of the baseline's concurrency, straight to an
 * adapter on the openai SDK: no BullMQ, no Redis, no limiter, no retries, no usage ledger.
 */
class PooledLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  calls = 0;
  usage: TokenUsage = { ...ZERO_USAGE };

  constructor(
    private readonly adapter: OpenAILanguageModel,
    private readonly pool: PromisePool,
  ) {
    this.provider = adapter.provider;
    this.modelId = adapter.modelId;
  }

  generateText(request: TextRequest): Promise<TextResult> {
    return this.counted(() => this.adapter.generateText(request));
  }

  generateObject<T>(request: ObjectRequest<T>): Promise<ObjectResult<T>> {
    return this.counted(() => this.adapter.generateObject(request));
  }

  private async counted<R extends TextResult>(call: () => Promise<R>): Promise<R> {
    const result = await this.pool.run(call);
    this.calls++;
    this.usage = addUsage(this.usage, result.usage);
    return result;
  }
}

export interface NaiveBaselineOptions {
  /** The Parley run whose iteration 1 is replayed: its id, folder (pairs.jsonl, manifest.json) and config. */
  runId: string;
  runFolder: string;
  config: RunConfig;
  /** The simulator's OpenAI base URL (`…/v1`). */
  openaiBaseURL: string;
  concurrency: number;
}

/**
 * The naive baseline of the efficiency scenario: iteration 1 of a finished Parley run done
 * again in one process with the same generator and critic code, the same run id, pairs and
 * example pool (so the very same prompts, and the simulator's very same answers), through a
 * plain promise pool of `concurrency` calls over the openai SDK. Per pair: K candidates are
 * generated and filtered, the survivors go to the vote, the winner joins the near-duplicate index.
 */
export async function runNaiveBaseline(options: NaiveBaselineOptions): Promise<BaselineOutcome> {
  const { config, runId } = options;
  const pairs = planFirstIteration(
    await readPairs(path.join(options.runFolder, 'pairs.jsonl')),
    config.pairs,
  );
  const pool = await seedExamplePool(options.runFolder, config);
  const binding = config.models[config.generator.model]!;
  const promisePool = new PromisePool(options.concurrency);
  const model = new PooledLanguageModel(
    new OpenAILanguageModel({
      provider: 'simulator',
      model: binding.model,
      baseURL: options.openaiBaseURL,
      decoding: binding.decoding,
      timeoutMs: binding.timeoutMs,
    }),
    promisePool,
  );
  const panel = createCriticPanel(config.critic, {
    models: () => model,
    structure: {
      minTurnsPerSpeaker: config.generator.minTurnsPerSpeaker,
      maxTurnsPerSpeaker: config.generator.maxTurnsPerSpeaker,
    },
  });
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    pairs.map(async (pair) => {
      const reviews = await Promise.all(
        Array.from({ length: config.candidatesPerPair }, async (_, candidate) => {
          const generated = await generateCandidate({
            model,
            config: config.generator,
            pool,
            runId,
            iteration: 1,
            pair,
            candidate,
            randomSeed: config.randomSeed,
          });
          const review = await panel.filter(generated.conversation, { runId, pairId: pair.id });
          return { conversation: generated.conversation, passed: review.passed };
        }),
      );
      const survivors = reviews.filter((review) => review.passed).map((review) => review.conversation);
      if (survivors.length === 0) return;
      const selection = await panel.select(survivors, { runId, pairId: pair.id });
      if (selection.winnerIndex === null) return;
      await panel.accept(survivors[selection.winnerIndex]!);
      accepted++;
    }),
  );
  return {
    wallMs: performance.now() - started,
    pairs: pairs.length,
    accepted,
    calls: model.calls,
    usage: model.usage,
    highestInFlight: promisePool.highest,
  };
}

/** Iteration 1's pairs, as the scheduler plans them (planIteration): in order, wrapping with a round suffix. */
export function planFirstIteration<T extends { id: string }>(pairs: readonly T[], count: number): T[] {
  return Array.from({ length: count }, (_, offset) => {
    const pair = pairs[offset % pairs.length]!;
    const round = Math.floor(offset / pairs.length);
    return round === 0 ? pair : { ...pair, id: `${pair.id}-r${round}` };
  });
}

/** Iteration 1's example pool: the seed conversations the run's manifest lists. */
async function seedExamplePool(runFolder: string, config: RunConfig): Promise<Conversation[]> {
  const manifest = JSON.parse(await readFile(path.join(runFolder, 'manifest.json'), 'utf8')) as {
    iterations: Array<{ iteration: number; examplePoolIds: string[] }>;
  };
  const ids = manifest.iterations.find((entry) => entry.iteration === 1)?.examplePoolIds ?? [];
  const byId = new Map<string, Conversation>();
  for await (const record of readSeed(config.seed.path, {
    format: config.seed.format,
    mode: config.seed.mode,
    limit: config.seed.limit,
  })) {
    byId.set(record.conversation.id, record.conversation);
  }
  return ids.map((id) => {
    const conversation = byId.get(id);
    if (!conversation) throw new Error(`${runFolder}/manifest.json: example ${id} is not in the seed`);
    return conversation;
  });
}
