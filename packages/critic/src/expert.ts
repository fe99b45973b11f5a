import type { Conversation, ExpertVerdict, FedPolicy } from '@parley/core';
import type { LlmStage } from './llm-stage';

/** Where a review happens: passed to every expert and on to the model calls. */
export interface ExpertContext {
  runId?: string;
  pairId?: string;
  signal?: AbortSignal;
}

/**
 * An expert that judges one candidate by itself, with no language model binding: the offline
 * experts (no tokens) and the moderation-endpoint toxicity expert.
 */
export interface DirectFilterExpert {
  readonly type: 'direct';
  readonly name: string;
  readonly kind: 'filter';
  /** True when it calls nothing and costs nothing: the panel runs offline experts first. */
  readonly offline: boolean;
  review(conversation: Conversation, context: ExpertContext): Promise<ExpertVerdict>;
  /** Told about every accepted conversation (the near-duplicate expert remembers them). */
  accept?(conversation: Conversation): Promise<void>;
  /**
   * Told about a candidate it passed that was rejected after all (a later filter, the vote):
   * the near-duplicate expert forgets the claim it made for it.
   */
  release?(conversation: Conversation): Promise<void>;
}

/** What a model-backed filter concluded about one candidate. */
export interface FilterOutcome {
  passed: boolean;
  score?: number;
  rationale: string;
}

/** A filter that asks a language model about one candidate (faithfulness, LLM toxicity). */
export interface ModelFilterExpert<Output = unknown> {
  readonly type: 'model';
  readonly name: string;
  readonly kind: 'filter';
  /** Model binding name: a key of the run's `models:`. */
  readonly model: string;
  readonly stage: LlmStage<Conversation, Output, FilterOutcome>;
}

/** Which of two conversations, as shown to the model, it preferred. */
export type Preference = 'first' | 'second' | 'tie';

export interface PairwiseInput {
  policy: FedPolicy;
  first: Conversation;
  second: Conversation;
}

export interface PairwiseOutcome {
  preferred: Preference;
  rationale: string;
}

/** A FED policy expert: compares two candidates ("which of conversation 1 and 2 ...? why?"). */
export interface PairwiseRankerExpert<Output = unknown> {
  readonly type: 'pairwise';
  readonly name: string;
  readonly kind: 'ranker';
  readonly model: string;
  readonly policy: FedPolicy;
  readonly stage: LlmStage<PairwiseInput, Output, PairwiseOutcome>;
}

export interface RubricInput {
  policies: FedPolicy[];
  candidates: Conversation[];
}

/** Per candidate (in input order): a score in [0, 1] per policy and the model's reasons. */
export interface RubricOutcome {
  scores: Array<Record<FedPolicy, number>>;
  rationales: string[];
}

/** Scores every candidate on every policy in one batched call (`mode: rubric`). */
export interface RubricRankerExpert<Output = unknown> {
  readonly type: 'rubric';
  readonly name: string;
  readonly kind: 'ranker';
  readonly model: string;
  readonly policies: FedPolicy[];
  readonly stage: LlmStage<RubricInput, Output, RubricOutcome>;
}

export type FilterExpert = DirectFilterExpert | ModelFilterExpert;
export type RankerExpert = PairwiseRankerExpert | RubricRankerExpert;
export type Expert = FilterExpert | RankerExpert;
