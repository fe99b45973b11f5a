import type { Conversation, Speaker } from '@parley/core';
import { copiedPersonaSentences } from './persona-copying';
import { type StemWeights, UNIFORM_WEIGHTS } from './stem-weights';
import { contentStems, contentStemsOfWords, wordTokens } from './text-tokens';

/** How one persona attribute shows in a speaker's turns. */
export interface AttributeGrounding {
  attribute: string;
  /** Content stems of the attribute. */
  stems: string[];
  /** The stems the speaker used. */
  matched: string[];
  /** Weight of `matched` over weight of `stems` (a plain share with uniform weights), 0 without content words. */
  coverage: number;
}

export interface SpeakerGrounding {
  speaker: Speaker;
  /** Mean coverage of the speaker's OWN attributes; null when the persona has no content words. */
  score: number | null;
  /** The same measure of the speaker's turns against the OTHER speaker's persona. */
  crossScore: number | null;
  attributes: AttributeGrounding[];
}

export interface PersonaGrounding {
  /** Mean of the speakers' own scores in [0, 1]; 0 when neither persona has content words. */
  score: number;
  /** Mean of the speakers' cross scores: how well each speaker's turns fit the other's persona. */
  crossScore: number;
  speakers: [SpeakerGrounding, SpeakerGrounding];
}

export interface PersonaGroundingOptions {
  /**
   * Leave out the words of persona sentences copied (nearly) verbatim into a turn, so pasting
   * the profile earns no grounding (see copiedPersonaSentences). The Critic's grounding score
   * and its choice of finalists do. @defaultValue false
   */
  ignoreCopies?: boolean;
  /** Weight of each stem, e.g. idfWeights of the seed. @defaultValue UNIFORM_WEIGHTS */
  weights?: StemWeights;
}

/**
 * Offline persona grounding: how strongly each speaker's turns reflect that speaker's OWN
 * persona. For every attribute, the share of its content stems (stop words removed, light
 * stemming) that the speaker used anywhere in their turns; averaged per speaker, then over the
 * two speakers. Only the speaker's own turns count. The same turns are also scored against the
 * other speaker's persona (`crossScore`): with the personas exchanged, the two swap places.
 * With `ignoreCopies`, words of persona sentences copied verbatim do not count. With
 * `weights` (idfWeights of the seed), rare persona words count more than common ones.
 */
export function personaGrounding(
  conversation: Conversation,
  options: PersonaGroundingOptions = {},
): PersonaGrounding {
  const spoken = spokenStems(conversation, options.ignoreCopies ?? false);
  const weights = options.weights ?? UNIFORM_WEIGHTS;
  const speakers: [SpeakerGrounding, SpeakerGrounding] = [
    speakerGrounding('user1', spoken.user1, conversation.user1Persona, conversation.user2Persona, weights),
    speakerGrounding('user2', spoken.user2, conversation.user2Persona, conversation.user1Persona, weights),
  ];
  return {
    score: mean(speakers.map((speaker) => speaker.score)),
    crossScore: mean(speakers.map((speaker) => speaker.crossScore)),
    speakers,
  };
}

/** Each speaker's content stems, without the words of copied persona sentences. */
function spokenStems(conversation: Conversation, ignoreCopies: boolean): Record<Speaker, Set<string>> {
  const copied = new Map<number, Array<[number, number]>>();
  if (ignoreCopies) {
    for (const copy of copiedPersonaSentences(conversation)) {
      const spans = copied.get(copy.turn) ?? [];
      spans.push([copy.start, copy.end]);
      copied.set(copy.turn, spans);
    }
  }
  const stems: Record<Speaker, Set<string>> = { user1: new Set(), user2: new Set() };
  conversation.turns.forEach((turn, index) => {
    if (turn.speaker === null) return;
    const spans = copied.get(index);
    const words = wordTokens(turn.text).filter(
      (_, position) => !spans?.some(([start, end]) => position >= start && position < end),
    );
    for (const stemmed of contentStemsOfWords(words)) stems[turn.speaker].add(stemmed);
  });
  return stems;
}

function speakerGrounding(
  speaker: Speaker,
  spoken: ReadonlySet<string>,
  persona: readonly string[],
  otherPersona: readonly string[],
  weights: StemWeights,
): SpeakerGrounding {
  const attributes = persona.map((attribute) => attributeGrounding(attribute, spoken, weights));
  return {
    speaker,
    score: meanCoverage(attributes),
    crossScore: meanCoverage(otherPersona.map((attribute) => attributeGrounding(attribute, spoken, weights))),
    attributes,
  };
}

function attributeGrounding(
  attribute: string,
  spoken: ReadonlySet<string>,
  weights: StemWeights,
): AttributeGrounding {
  const stems = [...new Set(contentStems(attribute))];
  const matched = stems.filter((stemmed) => spoken.has(stemmed));
  const total = stems.reduce((sum, stemmed) => sum + weights(stemmed), 0);
  const coverage = total > 0 ? matched.reduce((sum, stemmed) => sum + weights(stemmed), 0) / total : 0;
  return { attribute, stems, matched, coverage };
}

function meanCoverage(attributes: readonly AttributeGrounding[]): number | null {
  const measurable = attributes.filter((attribute) => attribute.stems.length > 0);
  return measurable.length === 0
    ? null
    : measurable.reduce((sum, attribute) => sum + attribute.coverage, 0) / measurable.length;
}

function mean(values: ReadonlyArray<number | null>): number {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? 0 : known.reduce((sum, value) => sum + value, 0) / known.length;
}
