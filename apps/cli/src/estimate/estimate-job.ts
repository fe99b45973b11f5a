import { billedShareOf, loadRunConfig, type ModelConfig, type RunConfig } from '@parley/core';
import { createCriticPanel, expertModel, InMemoryNearDuplicateIndex, idfWeights } from '@parley/critic';
import { costOf, countTextTokens, type ModerationModel } from '@parley/llm';
import { resolveJobPaths } from '@parley/scheduler';
import type { CostEstimate, CostFigures, StageEstimate } from './estimate-report';
import { filterPassRates } from './filter-cascade';
import { firstIterationPairs, readSeedMaterial } from './seed-material';
import {
  type DraftContext,
  evaluationDrafts,
  filterDrafts,
  generateDraft,
  generatorAnswer,
  personaDrafts,
  type StageDraft,
  voteDrafts,
} from './stage-drafts';
import { survivorOdds } from './survivor-odds';

export interface EstimateOptions {
  /** Pass rate assumed for each filter that calls a model. @defaultValue 0.9 */
  llmFilterPassRate?: number;
  /** Words of reasoning in a verdict answer. @defaultValue 40 */
  verdictWords?: number;
  /** Prompts rendered per stage at most. @defaultValue 200 */
  maxSamples?: number;
}

export const ESTIMATE_DEFAULTS = { llmFilterPassRate: 0.9, verdictWords: 40, maxSamples: 200 } as const;

/** The shortest prefix a provider caches (OpenAI and Anthropic: 1024 tokens). */
const MIN_CACHED_PREFIX_TOKENS = 1024;

/**
 * `parley estimate JOB`: what a run of the job is expected to spend, per stage and model,
 * before anything exists. Validates the job like `parley config check`, reads the seed like
 * the run's preparer, renders the prompts with the worker's own builders and counts them with
 * the project's token counter. Calls no provider and touches no Redis.
 */
export async function estimateJob(jobFile: string, options: EstimateOptions = {}): Promise<CostEstimate> {
  const settings = { ...ESTIMATE_DEFAULTS, ...options };
  const loaded = resolveJobPaths(await loadRunConfig(jobFile), jobFile);
  const seed = await readSeedMaterial(loaded);
  const config = seed.config;
  const plannedPairs = firstIterationPairs(seed.pairs, config.pairs);
  const context: DraftContext = {
    config,
    seed,
    plannedPairs,
    verdictWords: settings.verdictWords,
    maxSamples: settings.maxSamples,
  };
  const panel = createCriticPanel(config.critic, {
    // The estimate calls no model: a binding is only named, never resolved.
    models: () => undefined,
    ...(config.critic.toxicity === 'moderation' ? { moderation: uncalledModeration(config) } : {}),
    nearDuplicateIndex: new InMemoryNearDuplicateIndex(),
    groundingWeights: idfWeights(seed.pool),
    structure: {
      minTurnsPerSpeaker: config.generator.minTurnsPerSpeaker,
      maxTurnsPerSpeaker: config.generator.maxTurnsPerSpeaker,
    },
  });
  const filterStages = new Map<string, string>([
    ['faithfulness', 'critique:faithfulness'],
    ['toxicity', 'critique:toxicity'],
  ]);
  const filters = await filterPassRates(
    panel,
    seed.conversations.filter((conversation) => conversation.turns.length > 0),
    settings.llmFilterPassRate,
    (expert) => filterStages.get(expert),
  );
  const candidatePassRate = filters.reduce((product, filter) => product * filter.passRate, 1);
  const odds = survivorOdds(config.candidatesPerPair, candidatePassRate, config.critic.maxFinalists);

  const drafts: StageDraft[] = [
    ...personaDrafts(context),
    generateDraft(context),
    ...filterDrafts(context, panel, filters),
    ...voteDrafts(context, panel, odds),
    ...evaluationDrafts(context, odds.acceptance),
  ].filter((draft) => draft.calls > 0);
  const stages = drafts.map((draft) => priceStage(draft, config.models[draft.model]));
  const cacheNote = promptCacheNote(config, stages);

  const spoken = seed.pairs.map(({ conversation }) => conversation);
  const mean = (values: number[]) =>
    values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  const models = [...new Set(stages.map((stage) => stage.model))].sort().map((model) => ({
    model,
    priced: config.models[model]?.price !== undefined,
    ...sumFigures(stages.filter((stage) => stage.model === model)),
  }));
  const total = sumFigures(stages);
  return {
    job: jobFile,
    name: config.name,
    iterations: config.iterations,
    pairsPerIteration: config.pairs,
    candidatesPerPair: config.candidatesPerPair,
    criticMode: config.critic.mode,
    seed: {
      path: config.seed.path,
      conversations: seed.conversations.length,
      meanConversationTokens: Math.round(mean(spoken.map((c) => countTextTokens(generatorAnswer(c))))),
      meanProfileTokens: Math.round(
        mean(
          seed.pairs
            .flatMap(({ pair }) => [pair.user1, pair.user2])
            .map((p) => countTextTokens(p.attributes.join('\n'))),
        ),
      ),
    },
    stages,
    models,
    total: { ...total, tokens: total.inputTokens + total.outputTokens },
    unpriced: models.filter((model) => !model.priced).map((model) => model.model),
    assumptions: {
      candidateLength:
        "each candidate is as long as its pair's seed conversation (the Generator is asked for the examples' length); critics see the seed conversations in its place",
      filters,
      candidatePassRate,
      finalistsPerPair: odds.meanFinalists,
      pairAcceptance: odds.acceptance,
      verdictReasoningWords: settings.verdictWords,
      promptCache: cacheNote,
      retries: 'no structured-output retries, failed calls or job retries (each would add to the bill)',
      laterIterations:
        "iterations after the first draw examples from the run's own conversations, assumed as long as the seed's",
      ...(config.personas.mode === 'seed-pairs'
        ? {}
        : {
            personas:
              'stages 1–3: one query induction per query target (an upper bound), bootstrapping up to queryTarget and attributeTarget with every answer valid, one consistency check per attribute pair of every profile when a consistency model is set',
          }),
    },
  };
}

/**
 * Tokens and dollars of one stage. Cached prefixes are counted for providers that cache prompts
 * (OpenAI, Anthropic and the simulator, which reports them like OpenAI) when the prefix reaches
 * the providers' minimum; Anthropic also bills the first sending of a prefix as a cache write.
 */
function priceStage(draft: StageDraft, binding: ModelConfig | undefined): StageEstimate {
  const count = Math.max(1, draft.samples.length);
  const perCall = {
    inputTokens: draft.samples.reduce((sum, sample) => sum + sample.inputTokens, 0) / count,
    outputTokens: draft.samples.reduce((sum, sample) => sum + sample.outputTokens, 0) / count,
  };
  const prefix = draft.samples.reduce((sum, sample) => sum + sample.prefixTokens, 0) / count;
  const caches =
    binding !== undefined && binding.provider !== 'openai-compatible' && prefix >= MIN_CACHED_PREFIX_TOKENS;
  const inputTokens = draft.calls * perCall.inputTokens;
  const outputTokens = draft.calls * perCall.outputTokens;
  const cacheReadInputTokens = caches ? draft.calls * draft.prefixSeenShare * prefix : 0;
  const cacheWriteInputTokens =
    caches && binding?.provider === 'anthropic' ? draft.calls * (1 - draft.prefixSeenShare) * prefix : 0;
  const usage = {
    inputTokens: Math.round(inputTokens),
    outputTokens: Math.round(outputTokens),
    cacheReadInputTokens: Math.round(cacheReadInputTokens),
    cacheWriteInputTokens: Math.round(cacheWriteInputTokens),
  };
  const listPrice = binding?.price ? costOf(usage, binding.price) : null;
  const costUsd = listPrice === null || !binding ? null : listPrice * billedShareOf(binding);
  return {
    stage: draft.stage,
    model: draft.model,
    calls: draft.calls,
    ...usage,
    costUsd,
    perCall: { inputTokens: Math.round(perCall.inputTokens), outputTokens: Math.round(perCall.outputTokens) },
    sampledPrompts: draft.samples.length,
  };
}

function sumFigures(items: readonly CostFigures[]): CostFigures {
  const priced = items.filter((item) => item.costUsd !== null);
  return {
    calls: items.reduce((sum, item) => sum + item.calls, 0),
    inputTokens: items.reduce((sum, item) => sum + item.inputTokens, 0),
    outputTokens: items.reduce((sum, item) => sum + item.outputTokens, 0),
    cacheReadInputTokens: items.reduce((sum, item) => sum + item.cacheReadInputTokens, 0),
    cacheWriteInputTokens: items.reduce((sum, item) => sum + item.cacheWriteInputTokens, 0),
    costUsd: priced.length === 0 ? null : priced.reduce((sum, item) => sum + (item.costUsd ?? 0), 0),
  };
}

function promptCacheNote(config: RunConfig, stages: readonly StageEstimate[]): string {
  const read = stages.reduce((sum, stage) => sum + stage.cacheReadInputTokens, 0);
  const input = stages.reduce((sum, stage) => sum + stage.inputTokens, 0);
  if (read === 0)
    return 'no input is expected to be read from a prompt cache (no prefix of 1,024 tokens or more is sent twice)';
  const share = `${((100 * read) / Math.max(1, input)).toFixed(0)} %`;
  const cachedPrices = Object.entries(config.models)
    .filter(([, model]) => model.price?.cachedInputPerMillionTokens !== undefined)
    .map(([name, model]) => `${name} $${model.price!.cachedInputPerMillionTokens}/M`);
  return `${share} of input tokens assumed read from the providers' prompt caches (a prefix of 1,024+ tokens sent before: Generator prompts sharing a few-shot draw, faithfulness instructions, the FED policies after the first); priced at ${
    cachedPrices.length > 0
      ? `cachedInputPerMillionTokens (${cachedPrices.join(', ')})`
      : 'the full input price: no binding sets cachedInputPerMillionTokens'
  }`;
}

/** The moderation model the panel needs to be built with `toxicity: moderation`; never called. */
function uncalledModeration(config: RunConfig): ModerationModel {
  const binding = config.models[expertModel(config.critic, 'toxicity')];
  return {
    provider: binding?.provider ?? 'openai',
    modelId: binding?.model ?? 'moderation',
    moderate: () => Promise.reject(new Error('parley estimate calls no provider')),
  };
}
