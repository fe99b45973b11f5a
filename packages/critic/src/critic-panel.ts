import {
  addUsage,
  ConfigError,
  type Conversation,
  conversationSchema,
  type Decoding,
  type ExpertVerdict,
  type FedPolicy,
  hashString,
  InputError,
  mapWithConcurrency,
  runIndependentId,
  type TokenUsage,
  ZERO_USAGE,
} from '@parley/core';
import type { LanguageModel } from '@parley/llm';
import { z } from 'zod';
import type {
  ExpertContext,
  FilterExpert,
  ModelFilterExpert,
  PairwiseOutcome,
  PairwiseRankerExpert,
  RubricOutcome,
  RubricRankerExpert,
} from './expert';
import { majorityVote } from './majority-vote';
import { personaGrounding } from './persona-grounding';
import { runLlmStage, type StageRun } from './run-llm-stage';
import type { StemWeights } from './stem-weights';

/** Model bindings by name (a run's `models:`), as a record or a lookup function. */
export type ModelResolver =
  | Readonly<Record<string, LanguageModel>>
  | ((binding: string) => LanguageModel | undefined);

/** How the finalists are ranked: the paper's pairwise FED vote, or one batched rubric call. */
export type Ranking =
  | { mode: 'pairwise'; experts: PairwiseRankerExpert[] }
  | { mode: 'rubric'; expert: RubricRankerExpert };

export interface CriticPanelOptions {
  /** Filters in cascade order; offline ones are moved to the front (stable). */
  filters: FilterExpert[];
  ranking: Ranking;
  /** Model bindings the LLM experts name. */
  models: ModelResolver;
  /** Survivors that go to the vote, the best-grounded first. @defaultValue 4 */
  maxFinalists?: number;
  /** Ask every comparison in both orders to cancel position bias. @defaultValue true */
  bothOrders?: boolean;
  /**
   * What a filter whose model answered garbage does. `reject` (the default) keeps unverified
   * conversations out of the dataset at the price of a lost candidate. @defaultValue 'reject'
   */
  unparseableFilter?: 'reject' | 'pass';
  /** LLM calls in flight at once during `select`. @defaultValue 8 */
  concurrency?: number;
  /** Judge score of a finalist that had nothing to be compared with. @defaultValue 0.5 */
  neutralJudgeScore?: number;
  /** Decoding for every expert call; absent keeps each model binding's own. @defaultValue undefined */
  decoding?: Decoding;
  /** Which thrown errors mean "unparseable answer". @defaultValue isUnparseableOutputError */
  isUnparseable?: (error: unknown) => boolean;
  /** Persona word weights for choosing finalists and breaking ties (idfWeights of the seed). @defaultValue uniform */
  groundingWeights?: StemWeights;
}

/** One candidate after the filters. */
export interface CandidateReview {
  passed: boolean;
  /** Every verdict given, in order, up to and including the one that rejected it. */
  verdicts: ExpertVerdict[];
  rejectedBy?: { expert: string; reason: string };
  usage: TokenUsage;
}

/** The vote among one pair's survivors. */
export interface Selection {
  /** Index into the survivors given to `select`; null only when there were none. */
  winnerIndex: number | null;
  /** Per survivor, in [0, 1]: share of pairwise wins (ties count half) or mean rubric grade. */
  judgeScores: number[];
  /** Per survivor: the ranker verdicts and the `judge` verdict. */
  verdicts: ExpertVerdict[][];
  /** Survivor indices that went to the vote (at most maxFinalists). */
  finalists: number[];
  /** Tokens of every ranking call (shared by the survivors, so not in their verdicts). */
  usage: TokenUsage;
  rationale: string;
}

/** Why a survivor that was not chosen is rejected: the line a release and the browser show. */
export function lostVoteReason(
  selection: Pick<Selection, 'winnerIndex' | 'judgeScores'>,
  index: number,
): string {
  return selection.winnerIndex === null
    ? 'the vote chose no candidate'
    : `lost the vote (judge score ${(selection.judgeScores[index] ?? 0).toFixed(2)})`;
}

const DEFAULTS = {
  maxFinalists: 4,
  bothOrders: true,
  unparseableFilter: 'reject' as const,
  concurrency: 8,
  neutralJudgeScore: 0.5,
};

/**
 * The Critic (the paper's stage 4; docs/critic.md): a cascade of filters per candidate, then a vote among the
 * survivors of a pair. `filter` and `select` are separate so a worker can critique candidates
 * in separate jobs and select afterwards. Bad model output never throws: it becomes a verdict
 * with its raw output; transport, budget and abort errors do throw, for the job to retry.
 */
export class CriticPanel {
  readonly filters: readonly FilterExpert[];
  readonly ranking: Ranking;
  private readonly options: Required<
    Omit<CriticPanelOptions, 'decoding' | 'isUnparseable' | 'groundingWeights'>
  > &
    Pick<CriticPanelOptions, 'decoding' | 'isUnparseable' | 'groundingWeights'>;

  constructor(options: CriticPanelOptions) {
    this.options = { ...DEFAULTS, ...options };
    const { maxFinalists, concurrency, neutralJudgeScore } = this.options;
    if (!Number.isInteger(maxFinalists) || maxFinalists < 1) throw new RangeError('maxFinalists must be ≥ 1');
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be ≥ 1');
    if (!(neutralJudgeScore >= 0 && neutralJudgeScore <= 1))
      throw new RangeError('neutralJudgeScore ∉ [0, 1]');
    // Offline experts cost nothing: run them before any that spends tokens or calls a service.
    this.filters = [
      ...options.filters.filter((expert) => expert.type === 'direct' && expert.offline),
      ...options.filters.filter((expert) => !(expert.type === 'direct' && expert.offline)),
    ];
    this.ranking = options.ranking;
    if (options.ranking.mode === 'pairwise' && options.ranking.experts.length === 0) {
      throw new RangeError('pairwise ranking needs at least one policy expert');
    }
    this.checkBindings();
  }

  /** Runs the filters over one candidate, stopping at the first that fails it. */
  async filter(candidate: Conversation, context: ExpertContext = {}): Promise<CandidateReview> {
    const conversation = checkedConversation(candidate, 'candidate');
    const verdicts: ExpertVerdict[] = [];
    let usage: TokenUsage = { ...ZERO_USAGE };
    for (const expert of this.filters) {
      context.signal?.throwIfAborted();
      const verdict = await this.review(expert, conversation, context);
      verdicts.push(verdict);
      if (verdict.usage) usage = addUsage(usage, verdict.usage);
      if (verdict.passed === false) {
        // Filters that passed it earlier may have claimed it (near-duplicate): let go.
        await this.release([conversation], verdicts.length - 1);
        return {
          passed: false,
          verdicts,
          rejectedBy: { expert: verdict.expert, reason: verdict.rationale },
          usage,
        };
      }
    }
    return { passed: true, verdicts, usage };
  }

  /** Ranks the survivors of one pair and picks one. Survivors should share a profile pair. */
  async select(survivors: Conversation[], context: ExpertContext = {}): Promise<Selection> {
    const conversations = survivors.map((survivor, index) =>
      checkedConversation(survivor, `survivor ${index}`),
    );
    if (conversations.length === 0) {
      return {
        winnerIndex: null,
        judgeScores: [],
        verdicts: [],
        finalists: [],
        usage: { ...ZERO_USAGE },
        rationale: 'no survivors',
      };
    }
    // Copied persona sentences earn nothing when choosing finalists and breaking ties.
    const grounding = conversations.map(
      (conversation) =>
        personaGrounding(conversation, { ignoreCopies: true, weights: this.options.groundingWeights }).score,
    );
    const finalists = conversations
      .map((_, index) => index)
      .sort((a, b) => grounding[b]! - grounding[a]! || a - b)
      .slice(0, this.options.maxFinalists)
      .sort((a, b) => a - b);
    // A lone finalist needs no vote, but in rubric mode it is graded all the same, so every
    // accepted conversation carries a grade on one scale (the example pool ranks by it).
    const ranked =
      finalists.length === 1 && this.ranking.mode === 'pairwise'
        ? undefined
        : await this.rank(
            finalists.map((i) => conversations[i]!),
            context,
          );
    const neutral = this.options.neutralJudgeScore;
    const finalistScores = ranked?.judgeScores ?? [neutral];
    const vote = majorityVote({
      policies: ranked?.policies ?? [],
      points: ranked?.points ?? {},
      judgeScores: finalistScores,
      groundingScores: finalists.map((index) => grounding[index]!),
    });
    const winnerIndex = finalists[vote.winner]!;
    const how =
      finalists.length === 1
        ? 'the only finalist'
        : vote.decidedBy === 'majority'
          ? 'majority of policies'
          : `tie-break on ${vote.decidedBy}`;
    const policies = ranked?.policies ?? [];
    const judgeScores = conversations.map(() => 0);
    const verdicts: ExpertVerdict[][] = conversations.map(() => []);
    finalists.forEach((survivor, position) => {
      const score = finalistScores[position]!;
      const won = policies.filter((policy) => vote.policyWinners[policy] === position);
      const policyText =
        policies.length > 0
          ? `won ${won.length} of ${policies.length} policies${won.length > 0 ? ` (${won.join(', ')})` : ''}; `
          : '';
      judgeScores[survivor] = score;
      verdicts[survivor]!.push(...(ranked?.verdicts[position] ?? []), {
        expert: 'judge',
        kind: 'ranker',
        score,
        wins: vote.votes[position]!,
        comparisons: policies.length,
        rationale: `${survivor === winnerIndex ? `selected (${how})` : 'not selected'}: ${policyText}judge score ${score.toFixed(3)}`,
      });
    });
    conversations.forEach((_, index) => {
      if (finalists.includes(index)) return;
      verdicts[index]!.push({
        expert: 'judge',
        kind: 'ranker',
        score: 0,
        rationale: `not a finalist: ${finalists.length} better-grounded survivors went to the vote (maxFinalists ${this.options.maxFinalists})`,
      });
    });
    const rationale = `survivor ${winnerIndex} selected (${how}) among ${finalists.length} finalist${finalists.length === 1 ? '' : 's'}`;
    return {
      winnerIndex,
      judgeScores,
      verdicts,
      finalists,
      usage: ranked?.usage ?? { ...ZERO_USAGE },
      rationale,
    };
  }

  /**
   * Tells the filters that candidates they passed were rejected after all (lost the vote, or a
   * later filter failed them): the near-duplicate index forgets their claims. `filters` limits
   * it to the first ones (those that ran).
   */
  async release(conversations: readonly Conversation[], filters = this.filters.length): Promise<void> {
    for (const expert of this.filters.slice(0, filters)) {
      if (expert.type !== 'direct' || !expert.release) continue;
      for (const conversation of conversations) await expert.release(conversation);
    }
  }

  /** Tells the filters that a conversation joined the dataset (the near-duplicate index learns it). */
  async accept(conversation: Conversation): Promise<void> {
    const checked = checkedConversation(conversation, 'accepted conversation');
    for (const expert of this.filters)
      if (expert.type === 'direct' && expert.accept) await expert.accept(checked);
  }

  private async review(expert: FilterExpert, conversation: Conversation, context: ExpertContext) {
    if (expert.type === 'direct') return expert.review(conversation, context);
    return this.reviewWithModel(expert, conversation, context);
  }

  private async reviewWithModel(
    expert: ModelFilterExpert,
    conversation: Conversation,
    context: ExpertContext,
  ): Promise<ExpertVerdict> {
    const run = await runLlmStage(
      this.model(expert.model, expert.name),
      expert.stage,
      conversation,
      context,
      this.callOptions(),
    );
    if (run.ok) {
      return {
        expert: expert.name,
        kind: 'filter',
        passed: run.result.passed,
        ...(run.result.score === undefined ? {} : { score: run.result.score }),
        rationale: run.result.rationale,
        model: run.model,
        usage: run.usage,
      };
    }
    return {
      expert: expert.name,
      kind: 'filter',
      passed: this.options.unparseableFilter === 'pass',
      rationale: `unparseable verdict (${run.reason})`,
      model: run.model,
      usage: run.usage,
      rawOutput: run.rawOutput,
      unparseable: true,
    };
  }

  private async rank(finalists: Conversation[], context: ExpertContext): Promise<RankedFinalists> {
    return this.ranking.mode === 'pairwise'
      ? this.rankPairwise(this.ranking.experts, finalists, context)
      : this.rankRubric(this.ranking.expert, finalists, context);
  }

  private async rankPairwise(
    experts: PairwiseRankerExpert[],
    finalists: Conversation[],
    context: ExpertContext,
  ): Promise<RankedFinalists> {
    const comparisons: Comparison[] = [];
    for (const expert of experts) {
      for (let a = 0; a < finalists.length; a++) {
        for (let b = a + 1; b < finalists.length; b++) {
          comparisons.push({ expert, a, b, orders: this.orders(expert.policy, finalists, a, b), runs: [] });
        }
      }
    }
    const calls = comparisons.flatMap((comparison) =>
      comparison.orders.map((order) => ({ comparison, order })),
    );
    const runs = await mapWithConcurrency(calls, this.options.concurrency, ({ comparison, order }) => {
      context.signal?.throwIfAborted();
      const [first, second] = order === 'ab' ? [comparison.a, comparison.b] : [comparison.b, comparison.a];
      return runLlmStage(
        this.model(comparison.expert.model, comparison.expert.name),
        comparison.expert.stage,
        { policy: comparison.expert.policy, first: finalists[first]!, second: finalists[second]! },
        context,
        this.callOptions(),
      );
    });
    let usage: TokenUsage = { ...ZERO_USAGE };
    calls.forEach((call, index) => {
      call.comparison.runs.push({ order: call.order, run: runs[index]! });
      usage = addUsage(usage, runs[index]!.usage);
    });

    const policies = experts.map((expert) => expert.policy);
    const points: Partial<Record<FedPolicy, Array<number | null>>> = {};
    const verdicts: ExpertVerdict[][] = finalists.map(() => []);
    const totalWins = finalists.map(() => 0);
    const totalComparisons = finalists.map(() => 0);
    for (const expert of experts) {
      const wins = finalists.map(() => 0);
      const counted = finalists.map(() => 0);
      const notes: string[][] = finalists.map(() => []);
      const raw: string[][] = finalists.map(() => []);
      let model: string | undefined;
      for (const comparison of comparisons.filter((item) => item.expert === expert)) {
        const outcome = combine(comparison);
        model ??= comparison.runs[0]?.run.model;
        const { a, b } = comparison;
        if (outcome.result === 'none') {
          for (const side of [a, b]) {
            notes[side]!.push(`vs ${finalists[side === a ? b : a]!.id}: no vote (${outcome.note})`);
            raw[side]!.push(...outcome.rawOutputs);
          }
          continue;
        }
        counted[a]!++;
        counted[b]!++;
        const share = outcome.result === 'tie' ? [0.5, 0.5] : outcome.result === 'a' ? [1, 0] : [0, 1];
        wins[a]! += share[0]!;
        wins[b]! += share[1]!;
        const word = (mine: number) => (mine === 1 ? 'won' : mine === 0 ? 'lost' : 'tie');
        notes[a]!.push(`vs ${finalists[b]!.id}: ${word(share[0]!)} (${outcome.note})`);
        notes[b]!.push(`vs ${finalists[a]!.id}: ${word(share[1]!)} (${outcome.note})`);
      }
      points[expert.policy] = finalists.map((_, index) => (counted[index]! > 0 ? wins[index]! : null));
      finalists.forEach((_, index) => {
        totalWins[index]! += wins[index]!;
        totalComparisons[index]! += counted[index]!;
        verdicts[index]!.push({
          expert: expert.name,
          kind: 'ranker',
          wins: wins[index]!,
          comparisons: counted[index]!,
          ...(counted[index]! > 0 ? { score: wins[index]! / counted[index]! } : {}),
          rationale: notes[index]!.join('; '),
          ...(model === undefined ? {} : { model }),
          ...(raw[index]!.length > 0 ? { rawOutput: raw[index]!.join('\n---\n') } : {}),
          // Every comparison void: this policy said nothing about the finalist.
          ...(counted[index] === 0 && raw[index]!.length > 0 ? { unparseable: true as const } : {}),
        });
      });
    }
    const judgeScores = finalists.map((_, index) =>
      totalComparisons[index]! > 0
        ? totalWins[index]! / totalComparisons[index]!
        : this.options.neutralJudgeScore,
    );
    return { policies, points, judgeScores, verdicts, usage };
  }

  private async rankRubric(
    expert: RubricRankerExpert,
    finalists: Conversation[],
    context: ExpertContext,
  ): Promise<RankedFinalists> {
    const run: StageRun<RubricOutcome> = await runLlmStage(
      this.model(expert.model, expert.name),
      expert.stage,
      { policies: expert.policies, candidates: finalists },
      context,
      this.callOptions(),
    );
    const neutral = this.options.neutralJudgeScore;
    if (!run.ok) {
      return {
        policies: expert.policies,
        points: {},
        judgeScores: finalists.map(() => neutral),
        verdicts: finalists.map(() => [
          {
            expert: expert.name,
            kind: 'ranker',
            rationale: `unparseable verdict (${run.reason}): no vote`,
            model: run.model,
            rawOutput: run.rawOutput,
            unparseable: true as const,
          },
        ]),
        usage: run.usage,
      };
    }
    const { scores, rationales } = run.result;
    const judgeScores = scores.map(
      (graded) => expert.policies.reduce((sum, policy) => sum + graded[policy], 0) / expert.policies.length,
    );
    const points = Object.fromEntries(
      expert.policies.map((policy) => [policy, scores.map((graded) => graded[policy])]),
    ) as Partial<Record<FedPolicy, number[]>>;
    const verdicts = finalists.map((_, index): ExpertVerdict[] => [
      {
        expert: expert.name,
        kind: 'ranker',
        score: judgeScores[index]!,
        rationale: `${expert.policies.map((policy) => `${policy} ${scores[index]![policy].toFixed(2)}`).join(', ')}: ${rationales[index]}`,
        model: run.model,
      },
    ]);
    return { policies: expert.policies, points, judgeScores, verdicts, usage: run.usage };
  }

  /**
   * Both orders, or one order drawn from the pair's ids without the run id (whose suffix is
   * random), so a retried job and a re-run of the same job ask the same.
   */
  private orders(policy: FedPolicy, finalists: Conversation[], a: number, b: number): Array<'ab' | 'ba'> {
    if (this.options.bothOrders) return ['ab', 'ba'];
    const first = runIndependentId(finalists[a]!.id);
    const second = runIndependentId(finalists[b]!.id);
    return hashString(`${policy}|${first}|${second}`) & 1 ? ['ba'] : ['ab'];
  }

  private model(binding: string, expert: string): LanguageModel {
    const resolver = this.options.models;
    const model = typeof resolver === 'function' ? resolver(binding) : resolver[binding];
    if (!model) {
      throw new ConfigError([
        {
          path: `critic.models.${expert}`,
          message: `expert ${expert} names model "${binding}", which is not bound`,
        },
      ]);
    }
    return model;
  }

  private checkBindings(): void {
    const resolver = this.options.models;
    if (typeof resolver === 'function') return;
    const experts = [
      ...this.filters.flatMap((expert) => (expert.type === 'model' ? [expert] : [])),
      ...(this.ranking.mode === 'pairwise' ? this.ranking.experts : [this.ranking.expert]),
    ];
    const problems = experts
      .filter((expert) => !Object.hasOwn(resolver, expert.model))
      .map((expert) => ({
        path: `critic.models.${expert.name}`,
        message: `expert ${expert.name} names model "${expert.model}", which is not bound (${Object.keys(resolver).join(', ') || 'none'})`,
      }));
    if (problems.length > 0) throw new ConfigError(problems);
  }

  private callOptions() {
    return {
      ...(this.options.decoding === undefined ? {} : { decoding: this.options.decoding }),
      ...(this.options.isUnparseable === undefined ? {} : { isUnparseable: this.options.isUnparseable }),
    };
  }
}

interface RankedFinalists {
  policies: FedPolicy[];
  points: Partial<Record<FedPolicy, Array<number | null>>>;
  judgeScores: number[];
  verdicts: ExpertVerdict[][];
  usage: TokenUsage;
}

interface Comparison {
  expert: PairwiseRankerExpert;
  /** Finalist positions, a < b. */
  a: number;
  b: number;
  orders: Array<'ab' | 'ba'>;
  runs: Array<{ order: 'ab' | 'ba'; run: StageRun<PairwiseOutcome> }>;
}

/**
 * One comparison's result from its one or two answers. In both orders, a preference that
 * flips with the order is position bias, not quality: it counts as a tie. An unparseable
 * answer voids the comparison (one order alone would let the bias back in).
 */
function combine(comparison: Comparison): {
  result: 'a' | 'b' | 'tie' | 'none';
  note: string;
  rawOutputs: string[];
} {
  const failed = comparison.runs.filter((item) => !item.run.ok);
  if (failed.length > 0) {
    return {
      result: 'none',
      note: `unparseable verdict: ${failed.map((item) => (item.run.ok ? '' : item.run.reason)).join('; ')}`,
      rawOutputs: failed.map((item) => item.run.rawOutput),
    };
  }
  const results = comparison.runs.map((item) => {
    const { preferred } = (item.run as { result: PairwiseOutcome }).result;
    if (preferred === 'tie') return 'tie' as const;
    const shownFirst = item.order === 'ab' ? 'a' : 'b';
    return preferred === 'first' ? shownFirst : shownFirst === 'a' ? ('b' as const) : ('a' as const);
  });
  const reason = truncate((comparison.runs[0]!.run as { result: PairwiseOutcome }).result.rationale);
  if (results.length === 1) return { result: results[0]!, note: `one order: ${reason}`, rawOutputs: [] };
  if (results.every((result) => result === results[0])) {
    return { result: results[0]!, note: `both orders agree: ${reason}`, rawOutputs: [] };
  }
  return { result: 'tie', note: 'preference flipped with the order', rawOutputs: [] };
}

function truncate(text: string, length = 160): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

function checkedConversation(conversation: Conversation, what: string): Conversation {
  const checked = conversationSchema.safeParse(conversation);
  if (checked.success) return checked.data;
  const id = typeof (conversation as { id?: unknown })?.id === 'string' ? ` ${conversation.id}` : '';
  throw new InputError(`${what}${id}`, z.prettifyError(checked.error).replaceAll('\n', '; '));
}
