import {
  ConfigError,
  type Conversation,
  hashString,
  mapWithConcurrency,
  runIndependentId,
  type Speaker,
  type TokenUsage,
} from '@parley/core';
import { type ExpertContext, modelName } from '@parley/critic';
import type { LanguageModel } from '@parley/llm';
import { AttributePool } from './attribute-pool';
import {
  type EvaluationReport,
  type EvaluationUsage,
  evaluationReportSchema,
  type IterationEvaluation,
  overallOf,
} from './evaluation-report';
import {
  type FaithfulnessOutcome,
  judgeFaithfulnessItem,
  summarizeFaithfulnessOutcomes,
} from './faithfulness-test';
import {
  type ConversationMeasures,
  DEFAULT_NEAR_DUPLICATE_THRESHOLD,
  OfflineMeter,
  summarizeOfflineMeasures,
} from './offline-metrics';
import { buildFaithfulnessItem, type FaithfulnessItem } from './persona-statements';
import { ReferenceMatcher } from './reference-matcher';
import { judgeTuringPair, summarizeTuringOutcomes, type TuringPairOutcome } from './turing-test';

/** The conversations of one iteration (a seed file is one iteration), in the target's order. */
export interface EvaluationGroup {
  iteration: number;
  conversations: readonly Conversation[];
}

export interface EvaluationProgress {
  /** Judge questions answered (a Turing pair counts once, for its two calls). */
  done: number;
  total: number;
}

export interface EvaluateOptions {
  /** What is evaluated, by iteration. */
  groups: readonly EvaluationGroup[];
  /** The evaluated run folder or seed file, as the report names it. */
  target: string;
  targetKind: EvaluationReport['targetKind'];
  /** Run id of a release. @defaultValue null */
  run?: string | null;
  /**
   * Conversations that play the human side of the AI-detection test. Absent: the target's own
   * conversations, each compared with another one (a control: an unbiased judge has lose ≈ win).
   */
  reference?: readonly Conversation[];
  /** How the report names the reference (its path). @defaultValue the target when there is no reference */
  referenceLabel?: string;
  /**
   * Conversations of earlier iterations that are not evaluated now but count for the
   * near-duplicate rate (evaluating one iteration at a time, after each iteration of a run).
   */
  earlierConversations?: Iterable<Conversation>;
  /** The judge; absent, only the offline metrics run. */
  judge?: LanguageModel;
  /** Which tests the judge takes. @defaultValue both */
  tests?: { turing?: boolean; faithfulness?: boolean };
  /**
   * Whose persona the faithfulness test asks about: both speakers, or one chosen per conversation.
   * @defaultValue 'both'
   */
  speakers?: 'both' | 'one';
  /** Real attributes shown per faithfulness question (with 4 distractors). @defaultValue 4 */
  realStatements?: number;
  /** Seed of every choice (references, statements, their order). @defaultValue 1 */
  seedValue?: number;
  /** Judge calls in flight at most. @defaultValue 8 */
  concurrency?: number;
  /** MinHash Jaccard at or above which conversations are near-duplicates. @defaultValue 0.8 */
  nearDuplicateThreshold?: number;
  /** The --limit the groups were read with, recorded in the report. @defaultValue null */
  limit?: number | null;
  /** Usage accounting run id passed to every call. */
  runId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: EvaluationProgress) => void;
  /** @defaultValue () => new Date() */
  now?: () => Date;
}

export const DEFAULT_EVALUATE_OPTIONS = {
  speakers: 'both',
  realStatements: 4,
  seedValue: 1,
  concurrency: 8,
  nearDuplicateThreshold: DEFAULT_NEAR_DUPLICATE_THRESHOLD,
} as const;

export interface EvaluationResult {
  report: EvaluationReport;
  /** Every judged pair, for inspection (raw output kept when it did not parse). */
  turing: Array<TuringPairOutcome & { iteration: number }>;
  faithfulness: Array<FaithfulnessOutcome & { iteration: number }>;
  offline: Array<ConversationMeasures & { iteration: number }>;
}

/** One judge question; its answer says which test it belongs to. */
type Answer =
  | { kind: 'turing'; outcome: EvaluationResult['turing'][number] }
  | { kind: 'faithfulness'; outcome: EvaluationResult['faithfulness'][number] };
type Task = () => Promise<Answer>;

/**
 * Measures a target the way the paper did, with an LLM judge in place of annotators: the
 * AI-detection (Turing) test against the reference, the persona-faithfulness test, and the
 * offline metrics. Unusable judge answers are counted, not thrown; a failed call (after the
 * model layer's retries) or an abort stops the evaluation.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  const settings = { ...DEFAULT_EVALUATE_OPTIONS, ...options };
  if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1) {
    throw new ConfigError([
      { path: 'concurrency', message: `expected a positive integer, got ${settings.concurrency}` },
    ]);
  }
  const startedAt = Date.now();
  const now = options.now ?? (() => new Date());
  const everything = options.groups.flatMap((group) => group.conversations);
  const reference = options.reference ?? everything;

  const meter = new OfflineMeter({
    nearDuplicateThreshold: settings.nearDuplicateThreshold,
    ...(options.reference ? { reference: options.reference } : {}),
  });
  for (const conversation of options.earlierConversations ?? []) await meter.remember(conversation);
  const offline: EvaluationResult['offline'] = [];
  for (const group of options.groups) {
    for (const conversation of group.conversations) {
      offline.push({ ...(await meter.measure(conversation)), iteration: group.iteration });
    }
  }

  const judge = options.judge;
  const runTuring = judge !== undefined && options.tests?.turing !== false;
  const runFaithfulness = judge !== undefined && options.tests?.faithfulness !== false;
  const context: ExpertContext = {
    ...(options.runId === undefined ? {} : { runId: options.runId }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const matcher = runTuring ? new ReferenceMatcher(reference, { seedValue: settings.seedValue }) : undefined;
  const pool = runFaithfulness
    ? new AttributePool(
        [...everything, ...(options.reference ?? [])].flatMap((conversation) => [
          ...conversation.user1Persona,
          ...conversation.user2Persona,
        ]),
      )
    : undefined;

  const skipped = new Map<number, { turing: number; faithfulness: number }>();
  const tasks: Task[] = [];
  for (const group of options.groups) {
    const skips = { turing: 0, faithfulness: 0 };
    skipped.set(group.iteration, skips);
    for (const conversation of group.conversations) {
      // A conversation with nothing said can be neither told apart nor asked about.
      const spoken = conversation.turns.some((turn) => turn.speaker !== null);
      if (matcher && judge) {
        const match = spoken ? matcher.match(conversation) : undefined;
        if (match) {
          tasks.push(async () => ({
            kind: 'turing',
            outcome: {
              ...(await judgeTuringPair(judge, conversation, match, context)),
              iteration: group.iteration,
            },
          }));
        } else skips.turing++;
      }
      if (pool && judge) {
        for (const speaker of speakersOf(conversation, settings.speakers, settings.seedValue)) {
          const item: FaithfulnessItem | undefined = spoken
            ? buildFaithfulnessItem(conversation, speaker, pool, {
                seedValue: settings.seedValue,
                realStatements: settings.realStatements,
              })
            : undefined;
          if (item) {
            tasks.push(async () => ({
              kind: 'faithfulness',
              outcome: {
                ...(await judgeFaithfulnessItem(judge, conversation, item, context)),
                iteration: group.iteration,
              },
            }));
          } else skips.faithfulness++;
        }
      }
    }
  }

  let done = 0;
  options.onProgress?.({ done, total: tasks.length });
  const answers = await mapWithConcurrency(tasks, settings.concurrency, async (task) => {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('evaluation aborted');
    const answer = await task();
    options.onProgress?.({ done: ++done, total: tasks.length });
    return answer;
  });
  // In task order, whatever order the calls finished in.
  const turing: EvaluationResult['turing'] = [];
  const faithfulness: EvaluationResult['faithfulness'] = [];
  for (const answer of answers) {
    if (answer.kind === 'turing') turing.push(answer.outcome);
    else faithfulness.push(answer.outcome);
  }

  const iterations: IterationEvaluation[] = options.groups.map((group) => {
    const skips = skipped.get(group.iteration)!;
    const turingSummary = runTuring
      ? summarizeTuringOutcomes(
          turing.filter((outcome) => outcome.iteration === group.iteration),
          skips.turing,
        )
      : null;
    return {
      iteration: group.iteration,
      conversations: group.conversations.length,
      losingRate: turingSummary?.losingRate ?? null,
      turing: turingSummary,
      faithfulness: runFaithfulness
        ? summarizeFaithfulnessOutcomes(
            faithfulness.filter((outcome) => outcome.iteration === group.iteration),
            skips.faithfulness,
          )
        : null,
      offline: summarizeOfflineMeasures(offline.filter((measure) => measure.iteration === group.iteration)),
    };
  });

  const usage = [...turing, ...faithfulness].reduce<EvaluationUsage>(
    (total, outcome) => addTokens(total, outcome.usage),
    { calls: 2 * turing.length + faithfulness.length, inputTokens: 0, outputTokens: 0 },
  );
  const report = evaluationReportSchema.parse({
    format: 'parley-eval',
    version: 1,
    target: options.target,
    targetKind: options.targetKind,
    run: options.run ?? null,
    reference: judge ? (options.referenceLabel ?? options.target) : null,
    judge: judge ? modelName(judge) : null,
    createdAt: now().toISOString(),
    seedValue: settings.seedValue,
    limit: options.limit ?? null,
    nearDuplicateThreshold: settings.nearDuplicateThreshold,
    durationMs: Date.now() - startedAt,
    usage,
    iterations,
    overall: overallOf(iterations),
  } satisfies EvaluationReport);
  return { report, turing, faithfulness, offline };
}

function speakersOf(conversation: Conversation, speakers: 'both' | 'one', seedValue: number): Speaker[] {
  if (speakers === 'both') return ['user1', 'user2'];
  return [hashString(runIndependentId(conversation.id), seedValue) % 2 === 0 ? 'user1' : 'user2'];
}

function addTokens(total: EvaluationUsage, usage: TokenUsage): EvaluationUsage {
  return {
    ...total,
    inputTokens: total.inputTokens + usage.inputTokens,
    outputTokens: total.outputTokens + usage.outputTokens,
  };
}
