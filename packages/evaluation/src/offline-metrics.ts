import type { Conversation } from '@parley/core';
import {
  conversationSignature,
  createToxicityWordlistExpert,
  type DirectFilterExpert,
  distinctN,
  InMemoryNearDuplicateIndex,
  type MinHashOptions,
  personaGrounding,
  wordTokens,
} from '@parley/critic';
import { type OfflineMetrics, ratio } from './evaluation-report';

/** What the offline metrics record about one conversation. */
export interface ConversationMeasures {
  id: string;
  /** Turns with a speaker. */
  turns: number;
  words: number;
  /** null for a conversation without words. */
  distinct1: number | null;
  distinct2: number | null;
  grounding: number;
  toxic: boolean;
  /** Near-duplicates a conversation measured before it. */
  nearDuplicate: boolean;
  /** Near-duplicates a reference conversation; null without a reference. */
  seedCopy: boolean | null;
}

export interface OfflineMeterOptions {
  /** Estimated Jaccard at or above which two conversations are near-duplicates. @defaultValue 0.8 */
  nearDuplicateThreshold?: number;
  /** Reference conversations for the seed-copy rate; none leaves it null. */
  reference?: Iterable<Conversation>;
  /** MinHash settings. @defaultValue DEFAULT_MINHASH_OPTIONS of @parley/critic */
  minHash?: MinHashOptions;
}

export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8;

/**
 * Measures conversations with no model: words, turns, distinct-n, persona grounding, the
 * toxicity word list, and MinHash near-duplicates. Call `measure` in the target's order: a
 * conversation is a near-duplicate when it resembles one measured before it (any iteration).
 */
export class OfflineMeter {
  private readonly threshold: number;
  private readonly minHash: MinHashOptions;
  private readonly earlier = new InMemoryNearDuplicateIndex();
  private readonly toxicity: DirectFilterExpert = createToxicityWordlistExpert();
  private readonly reference: Iterable<Conversation> | undefined;
  private referenceIndex: InMemoryNearDuplicateIndex | undefined;

  constructor(options: OfflineMeterOptions = {}) {
    this.threshold = options.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
    this.minHash = options.minHash ?? {};
    this.reference = options.reference;
  }

  /** Remembers a conversation measured elsewhere (an earlier iteration) for the near-duplicate check. */
  async remember(conversation: Conversation): Promise<void> {
    await this.earlier.add(conversation.id, conversationSignature(conversation, this.minHash));
  }

  async measure(conversation: Conversation): Promise<ConversationMeasures> {
    const spoken = conversation.turns.filter((turn) => turn.speaker !== null);
    const words = spoken.flatMap((turn) => wordTokens(turn.text));
    const signature = conversationSignature(conversation, this.minHash);
    const isNear = async (index: InMemoryNearDuplicateIndex) =>
      (await index.findSimilar(signature)).some(
        (match) => match.id !== conversation.id && match.similarity >= this.threshold,
      );
    const nearDuplicate = await isNear(this.earlier);
    await this.earlier.add(conversation.id, signature);
    const verdict = await this.toxicity.review(conversation, {});
    return {
      id: conversation.id,
      turns: spoken.length,
      words: words.length,
      distinct1: words.length > 0 ? distinctN(words, 1) : null,
      distinct2: words.length > 0 ? distinctN(words, 2) : null,
      grounding: personaGrounding(conversation).score,
      toxic: verdict.passed === false,
      nearDuplicate,
      seedCopy: this.reference ? await isNear(await this.referenceSignatures()) : null,
    };
  }

  /** The reference's signatures, indexed on first use. */
  private async referenceSignatures(): Promise<InMemoryNearDuplicateIndex> {
    if (!this.referenceIndex) {
      const index = new InMemoryNearDuplicateIndex();
      for (const conversation of this.reference ?? [])
        await index.add(conversation.id, conversationSignature(conversation, this.minHash));
      this.referenceIndex = index;
    }
    return this.referenceIndex;
  }
}

/** The offline block of an iteration from its conversations' measures. */
export function summarizeOfflineMeasures(measures: readonly ConversationMeasures[]): OfflineMetrics {
  const conversations = measures.length;
  const withWords = measures.filter((measure) => measure.distinct1 !== null);
  const turns = measures.reduce((total, measure) => total + measure.turns, 0);
  const words = measures.reduce((total, measure) => total + measure.words, 0);
  // Every mean here is of shares in [0, 1]: clamped against float rounding.
  const mean = (values: number[]) =>
    values.length > 0 ? Math.min(1, values.reduce((total, value) => total + value, 0) / values.length) : null;
  const share = (flags: boolean[]) => ratio(flags.filter(Boolean).length, flags.length);
  const seedCopies = measures.map((measure) => measure.seedCopy);
  return {
    conversations,
    emptyConversations: conversations - withWords.length,
    turns,
    words,
    distinct1: mean(withWords.map((measure) => measure.distinct1!)),
    distinct2: mean(withWords.map((measure) => measure.distinct2!)),
    turnsPerConversation: ratio(turns, conversations),
    wordsPerTurn: ratio(words, turns),
    grounding: mean(measures.map((measure) => measure.grounding)),
    toxicityRate: share(measures.map((measure) => measure.toxic)),
    nearDuplicateRate: share(measures.map((measure) => measure.nearDuplicate)),
    seedCopyRate: seedCopies.some((flag) => flag === null)
      ? null
      : share(seedCopies.map((flag) => flag === true)),
  };
}
