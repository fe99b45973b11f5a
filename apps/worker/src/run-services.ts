import type { Conversation, ExpertVerdict, RunConfig, TokenUsage } from '@parley/core';
import type { LanguageModel } from '@parley/llm';

/** A candidate after the Critic's filters. */
export interface CandidateReview {
  passed: boolean;
  verdicts: ExpertVerdict[];
  rejectedBy?: { expert: string; reason: string };
}

/** The Critic's choice among a pair's surviving candidates. */
export interface CandidateSelection {
  /** Index into the survivors, or null when none could be chosen. */
  winnerIndex: number | null;
  /** Judge score in [0, 1] per survivor. */
  judgeScores: number[];
  /** Ranker verdicts per survivor. */
  verdicts: ExpertVerdict[][];
  /** Tokens of the ranking calls (shared by the survivors, so not in their verdicts). */
  usage: TokenUsage;
}

export interface CallScope {
  runId: string;
  pairId: string;
  signal?: AbortSignal;
}

/** What the processors need of the Critic; implemented over @parley/critic's panel. */
export interface CriticPort {
  filter(candidate: Conversation, scope: CallScope): Promise<CandidateReview>;
  select(survivors: Conversation[], scope: CallScope): Promise<CandidateSelection>;
  /** Makes an accepted conversation known to the near-duplicate expert. */
  rememberAccepted(conversation: Conversation): Promise<void>;
  /** Survivors that lost the vote: the near-duplicate index forgets the claims made for them. */
  releaseRejected(conversations: Conversation[]): Promise<void>;
}

/** Everything a worker needs to process one run's jobs, built once per run and process. */
export interface RunServices {
  runId: string;
  config: RunConfig;
  generatorModel: LanguageModel;
  /** Models of the stage 1–3 tasks: `personas` always, `consistency` when configured. */
  personaModels: { personas?: LanguageModel; consistency?: LanguageModel };
  critic: CriticPort;
  /** The few-shot pool of an iteration (the seed pool for iteration 1). */
  examplePool(iteration: number): Promise<Conversation[]>;
  isCancelled(): Promise<boolean>;
  close(): Promise<void>;
}

export function sumUsage(usages: Array<TokenUsage | undefined>): TokenUsage {
  return usages.reduce<TokenUsage>(
    (total, usage) => ({
      inputTokens: total.inputTokens + (usage?.inputTokens ?? 0),
      outputTokens: total.outputTokens + (usage?.outputTokens ?? 0),
    }),
    { inputTokens: 0, outputTokens: 0 },
  );
}

export function verdictUsage(verdicts: readonly ExpertVerdict[]): TokenUsage {
  return sumUsage(verdicts.map((verdict) => verdict.usage));
}
