/** Tokens and dollars of some calls. */
export interface CostFigures {
  /** Expected provider calls (fractional: expectations over pass rates). */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, expected to be read from the provider's prompt cache. */
  cacheReadInputTokens: number;
  /** Of `inputTokens`, expected to be written to it (Anthropic bills writes apart). */
  cacheWriteInputTokens: number;
  /** USD at the binding's price; null when the binding has no price. */
  costUsd: number | null;
}

/** One ledger stage (`generate`, `critique:faithfulness`, `select:depth`, `eval:turing`, ...). */
export interface StageEstimate extends CostFigures {
  stage: string;
  /** The model binding (a key of `models:`) that answers this stage. */
  model: string;
  /** Mean tokens of one call, as rendered from the seed. */
  perCall: { inputTokens: number; outputTokens: number };
  /** Prompts actually rendered to measure it. */
  sampledPrompts: number;
}

/** A filter of the Critic's cascade and the share of candidates it is expected to pass. */
export interface FilterPassRate {
  expert: string;
  passRate: number;
  /** measured: the offline expert run over the seed's conversations; assumed: a stated guess. */
  source: 'measured' | 'assumed';
  /** LLM filters: the stage the calls are accounted under. */
  stage?: string;
}

/** Everything the numbers rest on, printed with them. */
export interface EstimateAssumptions {
  /** A candidate is as long as its pair's seed conversation (the Generator is asked for the examples' length). */
  candidateLength: string;
  filters: FilterPassRate[];
  /** Product of every filter's pass rate: the share of candidates that reach the vote. */
  candidatePassRate: number;
  /** Expected candidates per pair that reach the vote (at most maxFinalists of them vote). */
  finalistsPerPair: number;
  /** Share of pairs expected to accept a conversation. */
  pairAcceptance: number;
  /** Words of free text (reasoning) in a verdict answer. */
  verdictReasoningWords: number;
  /** How prompt-cache reads are counted. */
  promptCache: string;
  /** Structured-output retries and transport retries are not counted. */
  retries: string;
  /** Later iterations' few-shot examples are the earlier iterations' conversations, assumed as long as the seed's. */
  laterIterations: string;
  /** What stages 1–3 are assumed to do (expand mode only). */
  personas?: string;
}

/** What `parley estimate JOB` prints (`--json`: this object). */
export interface CostEstimate {
  job: string;
  name: string;
  iterations: number;
  pairsPerIteration: number;
  candidatesPerPair: number;
  criticMode: 'pairwise' | 'rubric';
  seed: { path: string; conversations: number; meanConversationTokens: number; meanProfileTokens: number };
  stages: StageEstimate[];
  models: Array<CostFigures & { model: string; priced: boolean }>;
  total: CostFigures & { tokens: number };
  /** Bindings without a price: their tokens count, their dollars do not. */
  unpriced: string[];
  assumptions: EstimateAssumptions;
}
