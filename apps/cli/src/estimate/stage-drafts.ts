import type { Conversation, ProfilePair, RunConfig, Speaker } from '@parley/core';
import { type CriticPanel, expertModel, formatTurns } from '@parley/critic';
import {
  AttributePool,
  buildFaithfulnessItem,
  DEFAULT_EVALUATE_OPTIONS,
  faithfulnessTestStage,
  turingStage,
} from '@parley/evaluation';
import {
  buildGeneratorPrompt,
  exampleDrawKey,
  generatedConversationSchema,
  PERSONA_STAGES,
  pickExamples,
} from '@parley/generator';
import { countTextTokens } from '@parley/llm';
import type { FilterPassRate } from './estimate-report';
import { type MeasuredCall, measureCall } from './prompt-measure';
import type { SeedMaterial } from './seed-material';
import type { SurvivorOdds } from './survivor-odds';

/** One ledger stage before pricing: how many calls, and the rendered calls that measure them. */
export interface StageDraft {
  stage: string;
  model: string;
  calls: number;
  samples: MeasuredCall[];
  /** Share of the calls whose cached prefix was sent before (in the run's order). */
  prefixSeenShare: number;
}

/** A pair as the estimate stands it in: its profiles and a seed conversation of its length. */
export interface PairSample {
  pair: ProfilePair;
  conversation: Conversation;
}

export interface DraftContext {
  config: RunConfig;
  seed: SeedMaterial;
  /** The pairs the first iteration plans (at most `maxSamples` of them are rendered). */
  plannedPairs: PairSample[];
  verdictWords: number;
  maxSamples: number;
}

/** How a Generator answer looks: the pair's seed conversation in the Generator's output shape. */
export function generatorAnswer(conversation: Conversation): string {
  return JSON.stringify({
    turns: conversation.turns
      .filter((turn) => turn.speaker !== null)
      .map((turn) => ({ speaker: turn.speaker === 'user1' ? 'User 1' : 'User 2', text: turn.text })),
  });
}

/**
 * generate: pairs × K calls per iteration, each prompt rendered with the worker's own builder,
 * the example draw of the run and the seed pool; the answer is as long as the pair's seed
 * conversation. Which prompts share a cached prefix is taken from the draw keys of the whole
 * first iteration (pairs of one block draw the same examples).
 */
export function generateDraft(context: DraftContext): StageDraft {
  const { config, seed, plannedPairs } = context;
  const bounds = {
    minTurnsPerSpeaker: config.generator.minTurnsPerSpeaker!,
    maxTurnsPerSpeaker: config.generator.maxTurnsPerSpeaker!,
  };
  const schema = generatedConversationSchema(bounds.minTurnsPerSpeaker, bounds.maxTurnsPerSpeaker);
  const samples: MeasuredCall[] = [];
  const prefixes = new Set<string>();
  let planned = 0;
  let seenBefore = 0;
  for (const { pair, conversation } of plannedPairs) {
    for (let candidate = 0; candidate < config.candidatesPerPair; candidate++) {
      const key = exampleDrawKey(config.randomSeed, 1, pair.id, candidate);
      const examples = pickExamples(seed.pool, pair, config.generator.examplesPerPrompt, key);
      const messages = buildGeneratorPrompt({ examples, pair, ...bounds });
      const measured =
        samples.length < context.maxSamples
          ? measureCall(messages, schema, { text: generatorAnswer(conversation) })
          : undefined;
      if (measured) samples.push(measured);
      const prefixKey = `${examples.map((example) => example.id).join('|')}`;
      planned++;
      if (prefixes.has(prefixKey)) seenBefore++;
      else prefixes.add(prefixKey);
    }
  }
  return {
    stage: 'generate',
    model: config.generator.model,
    calls: config.iterations * config.pairs * config.candidatesPerPair,
    samples,
    prefixSeenShare: planned === 0 ? 0 : seenBefore / planned,
  };
}

/**
 * The Critic's filters that call a model (or the moderation endpoint): a candidate reaches a
 * filter when it passed every filter before it, so each sees pairs × K × the product of the
 * earlier pass rates. Prompts rendered by the experts' own builders over the seed conversations.
 */
export function filterDrafts(
  context: DraftContext,
  panel: CriticPanel,
  rates: FilterPassRate[],
): StageDraft[] {
  const { config } = context;
  const candidates = config.iterations * config.pairs * config.candidatesPerPair;
  const conversations = sampleConversations(context);
  const drafts: StageDraft[] = [];
  let reaching = 1;
  panel.filters.forEach((expert, index) => {
    const share = reaching;
    reaching *= rates[index]?.passRate ?? 1;
    if (expert.type === 'direct') {
      if (expert.offline) return;
      // The moderation endpoint: the turns are its input; it answers no tokens.
      drafts.push({
        stage: 'critique:toxicity',
        model: expertModel(config.critic, 'toxicity'),
        calls: candidates * share,
        samples: conversations.map((conversation) => ({
          inputTokens: countTextTokens(formatTurns(conversation.turns)),
          outputTokens: 0,
          prefixTokens: 0,
        })),
        prefixSeenShare: 0,
      });
      return;
    }
    drafts.push(
      withSeenShare({
        stage: expert.stage.name,
        model: expert.model,
        calls: candidates * share,
        samples: conversations.map((conversation) =>
          measureCall(expert.stage.buildPrompt(conversation), expert.stage.outputSchema, {
            reasoningWords: context.verdictWords,
          }),
        ),
      }),
    );
  });
  return drafts;
}

/**
 * The vote. Pairwise: every comparison of two finalists, per policy, in one or both orders;
 * the two conversations are shown alike for every policy, so the policies after the first
 * read them from the prompt cache. Rubric: one call per pair with a finalist, as long as its
 * finalists are many.
 */
export function voteDrafts(context: DraftContext, panel: CriticPanel, odds: SurvivorOdds): StageDraft[] {
  const { config } = context;
  const pairs = config.iterations * config.pairs;
  const conversations = sampleConversations(context);
  // Two candidates of one pair: the same profiles, the turns of two seed conversations.
  const rival = (index: number): Conversation => {
    const base = conversations[index]!;
    const other = conversations[(index + 1) % conversations.length]!;
    return {
      ...other,
      id: `${base.id}-rival`,
      user1Persona: base.user1Persona,
      user2Persona: base.user2Persona,
    };
  };
  if (panel.ranking.mode === 'rubric') {
    const expert = panel.ranking.expert;
    // Calls with n finalists weigh P(n finalists): one sample set per n.
    const samples: MeasuredCall[] = [];
    const weights: number[] = [];
    for (let count = 1; count < odds.finalists.length; count++) {
      conversations.forEach((_, index) => {
        const candidates = Array.from({ length: count }, (_, offset) =>
          offset === 0
            ? conversations[index]!
            : {
                ...rival((index + offset - 1) % conversations.length),
                id: `${conversations[index]!.id}-${offset}`,
              },
        ).map((candidate) => ({
          ...candidate,
          user1Persona: conversations[index]!.user1Persona,
          user2Persona: conversations[index]!.user2Persona,
        }));
        samples.push(
          measureCall(
            expert.stage.buildPrompt({ policies: expert.policies, candidates }),
            expert.stage.outputSchema,
            {
              reasoningWords: context.verdictWords,
              arrayItems: count,
            },
          ),
        );
        weights.push((odds.finalists[count] ?? 0) / conversations.length);
      });
    }
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return [
      {
        stage: expert.stage.name,
        model: expert.model,
        calls: pairs * odds.acceptance,
        samples: weightedSamples(samples, weights, total),
        prefixSeenShare: 0,
      },
    ];
  }
  const orders = config.critic.bothOrders ? 2 : 1;
  const experts = panel.ranking.experts;
  const rendered = experts.map(() => [] as MeasuredCall[]);
  conversations.forEach((conversation, index) => {
    experts.forEach((expert, position) => {
      rendered[position]!.push(
        measureCall(
          expert.stage.buildPrompt({ policy: expert.policy, first: conversation, second: rival(index) }),
          expert.stage.outputSchema,
          { reasoningWords: context.verdictWords },
        ),
      );
    });
  });
  return experts.map((expert, position) => ({
    stage: expert.stage.name,
    model: expert.model,
    calls: pairs * odds.comparisons * orders,
    samples: rendered[position]!,
    // Policies are asked about the same two conversations: every one after the first finds them cached.
    prefixSeenShare: position === 0 ? 0 : 1,
  }));
}

/**
 * `evaluation.afterEachIteration`: per accepted conversation (at most `limit` per iteration),
 * the AI-detection test in both orders against a seed reference and the faithfulness test for
 * both speakers, each prompt rendered by the evaluation's own builders.
 */
export function evaluationDrafts(context: DraftContext, acceptance: number): StageDraft[] {
  const { config, seed } = context;
  const judge = config.evaluation.judge;
  if (!config.evaluation.afterEachIteration || !judge) return [];
  const perIteration = Math.min(
    config.evaluation.limit ?? Number.POSITIVE_INFINITY,
    config.pairs * acceptance,
  );
  const conversations = sampleConversations(context);
  const references = seed.conversations.filter((conversation) => conversation.turns.length > 0);
  const pool = new AttributePool(seed.conversations.flatMap((c) => [...c.user1Persona, ...c.user2Persona]));
  const turing: MeasuredCall[] = [];
  const faithfulness: MeasuredCall[] = [];
  conversations.forEach((conversation, index) => {
    const reference = references[(index + 1) % references.length]!;
    for (const [first, second] of [
      [conversation, reference],
      [reference, conversation],
    ] as const) {
      turing.push(
        measureCall(turingStage.buildPrompt({ first, second }), turingStage.outputSchema, {
          reasoningWords: context.verdictWords,
        }),
      );
    }
    for (const speaker of ['user1', 'user2'] as Speaker[]) {
      const item = buildFaithfulnessItem(conversation, speaker, pool, {
        seedValue: config.randomSeed,
        realStatements: DEFAULT_EVALUATE_OPTIONS.realStatements,
      });
      if (!item) continue;
      const input = { conversation, speaker, statements: item.statements.map((statement) => statement.text) };
      faithfulness.push(
        measureCall(faithfulnessTestStage.buildPrompt(input), faithfulnessTestStage.outputSchema, {
          reasoningWords: context.verdictWords,
          arrayItems: DEFAULT_EVALUATE_OPTIONS.realStatements,
        }),
      );
    }
  });
  const conversationsJudged = config.iterations * perIteration;
  return [
    {
      stage: turingStage.name,
      model: judge,
      calls: conversationsJudged * 2,
      samples: turing,
      prefixSeenShare: 0,
    },
    {
      stage: faithfulnessTestStage.name,
      model: judge,
      calls: conversationsJudged * 2,
      samples: faithfulness,
      prefixSeenShare: 0,
    },
  ];
}

/**
 * Stages 1–3 (`personas.mode: expand`), rendered by their own prompt builders from seed
 * attributes: one query induction per query target (an upper bound: small clusters induce
 * none), bootstrapping up to the query and attribute targets (every answer assumed valid), and
 * with a consistency model one check per attribute pair of every profile. Embedding calls by a
 * model: every attribute once.
 */
export function personaDrafts(context: DraftContext): StageDraft[] {
  const { config, seed } = context;
  if (config.personas.mode === 'seed-pairs') return [];
  const personasModel = config.personas.model ?? config.generator.model;
  const attributes = [...new Set(seed.conversations.flatMap((c) => [...c.user1Persona, ...c.user2Persona]))];
  const at = (index: number) => attributes[index % Math.max(1, attributes.length)] ?? 'I like music.';
  const take = (from: number, count: number) =>
    Array.from({ length: count }, (_, offset) => at(from + offset));
  const samples = Math.min(context.maxSamples, 50);
  const short = { reasoningWords: 10 };
  const draft = (
    stage: (typeof PERSONA_STAGES)[keyof typeof PERSONA_STAGES],
    model: string,
    calls: number,
    item: (index: number) => unknown,
  ): StageDraft => ({
    stage: `personas:${stage.name}`,
    model,
    calls,
    samples: Array.from({ length: samples }, (_, index) =>
      measureCall((stage.buildPrompt as (input: unknown) => never)(item(index)), stage.answerSchema, short),
    ),
    prefixSeenShare: 0,
  });
  const queries = config.personas.queryTarget;
  const induced = Math.min(queries, Math.floor(attributes.length / 3));
  const question = 'What do you do in your free time?';
  const drafts = [
    draft(PERSONA_STAGES['induce-queries'], personasModel, induced, (index) => ({
      cluster: index,
      attributes: take(index * 3, 3),
    })),
    draft(PERSONA_STAGES['bootstrap-queries'], personasModel, queries - induced, () => ({
      examples: Array.from({ length: 5 }, () => question),
    })),
    draft(PERSONA_STAGES['bootstrap-personas'], personasModel, config.personas.attributeTarget, (index) => ({
      query: question,
      persona: take(index * 5, 5),
    })),
  ];
  const consistency = config.personas.profiles.consistencyModel;
  if (consistency) {
    const size = config.personas.profiles.size;
    drafts.push(
      draft(
        PERSONA_STAGES['check-consistency'],
        consistency,
        (config.personas.profiles.count * size * (size - 1)) / 2,
        (index) => ({ first: at(index), second: at(index + 1) }),
      ),
    );
  }
  if (config.personas.embedding !== 'offline') {
    const total = attributes.length + config.personas.attributeTarget;
    const mean =
      attributes.reduce((sum, text) => sum + countTextTokens(text), 0) / Math.max(1, attributes.length);
    drafts.push({
      stage: 'personas:embed',
      model: config.personas.embedding,
      calls: total,
      samples: [{ inputTokens: mean, outputTokens: 0, prefixTokens: 0 }],
      prefixSeenShare: 0,
    });
  }
  return drafts;
}

/** The candidates' stand-ins: the seed conversations of the first iteration's pairs, with their pair's profiles. */
function sampleConversations(context: DraftContext): Conversation[] {
  return context.plannedPairs.slice(0, context.maxSamples).map(({ pair, conversation }, index) => ({
    ...conversation,
    id: `estimate.1.${pair.id}.${index}`,
    user1Persona: [...pair.user1.attributes],
    user2Persona: [...pair.user2.attributes],
  }));
}

/** Calls whose prompts share a prefix: the share that finds it sent before, in sample order. */
function withSeenShare(draft: Omit<StageDraft, 'prefixSeenShare'>): StageDraft {
  const seen = new Set<string>();
  let hits = 0;
  for (const sample of draft.samples) {
    if (!sample.prefixKey) continue;
    if (seen.has(sample.prefixKey)) hits++;
    else seen.add(sample.prefixKey);
  }
  // A run makes far more calls than the samples: a prefix shared by every sample is shared by every call.
  const share =
    draft.samples.length === 0 ? 0 : seen.size === 1 && hits > 0 ? 1 : hits / draft.samples.length;
  return { ...draft, prefixSeenShare: share };
}

/** Samples standing in for their weights: each sample scaled so the mean is the weighted mean. */
function weightedSamples(samples: MeasuredCall[], weights: number[], total: number): MeasuredCall[] {
  if (total <= 0) return samples.slice(0, 1);
  const scale = (value: number, index: number) => (value * weights[index]! * samples.length) / total;
  return samples.map((sample, index) => ({
    inputTokens: scale(sample.inputTokens, index),
    outputTokens: scale(sample.outputTokens, index),
    prefixTokens: 0,
  }));
}
