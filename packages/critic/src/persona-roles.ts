import type { Conversation, Speaker } from '@parley/core';
import { type StemWeights, UNIFORM_WEIGHTS } from './stem-weights';
import { contentStems, wordTokens } from './text-tokens';

const FIRST_PERSON = new Set(['i', "i'm", 'im', 'my', 'me', "i've", "i'd", "i'll", 'mine', 'myself']);
const SECOND_PERSON = new Set(['you', 'your', "you're", "you've", 'yours', "you'd", "you'll", 'yourself']);

/** How one speaker's self-disclosures fit each persona. */
export interface SpeakerRoles {
  speaker: Speaker;
  /** Mean coverage of the speaker's own persona by what they say about themselves. */
  own: number;
  /** The same against the other speaker's persona. */
  other: number;
}

export interface PersonaRoles {
  /** own − other, summed over both speakers: below zero, the personas fit better exchanged. */
  margin: number;
  speakers: [SpeakerRoles, SpeakerRoles];
}

/**
 * Do the speakers talk as their own persona or as the other's? Only self-disclosures count:
 * sentences in the first person that are not questions and do not address the other ("I'm a
 * brown belt", not "Do you do taekwondo?"), since speakers ask about each other's persona all
 * the time. Stems both personas share say nothing about who is who and are left out. Each
 * speaker's disclosures are scored against both personas (mean share of each attribute's
 * distinctive stems); `margin` is how much better the given assignment fits than the exchanged
 * one. With `weights` (idfWeights of the seed), rare words count more.
 */
export function personaRoles(
  conversation: Conversation,
  weights: StemWeights = UNIFORM_WEIGHTS,
): PersonaRoles {
  const shared = sharedStems(conversation.user1Persona, conversation.user2Persona);
  const disclosed = { user1: disclosures(conversation, 'user1'), user2: disclosures(conversation, 'user2') };
  const personas = { user1: conversation.user1Persona, user2: conversation.user2Persona };
  const speakers = (['user1', 'user2'] as const).map(
    (speaker): SpeakerRoles => ({
      speaker,
      own: coverage(personas[speaker], disclosed[speaker], shared, weights),
      other: coverage(personas[speaker === 'user1' ? 'user2' : 'user1'], disclosed[speaker], shared, weights),
    }),
  ) as [SpeakerRoles, SpeakerRoles];
  const margin = speakers.reduce((sum, speaker) => sum + speaker.own - speaker.other, 0);
  return { margin, speakers };
}

/** Content stems of a speaker's first-person statements. */
function disclosures(conversation: Conversation, speaker: Speaker): Set<string> {
  const stems = new Set<string>();
  for (const turn of conversation.turns) {
    if (turn.speaker !== speaker) continue;
    for (const sentence of turn.text.split(/(?<=[.!?])\s+/)) {
      if (sentence.trim().endsWith('?')) continue;
      const words = wordTokens(sentence);
      if (!words.some((word) => FIRST_PERSON.has(word)) || words.some((word) => SECOND_PERSON.has(word)))
        continue;
      for (const stemmed of contentStems(sentence)) stems.add(stemmed);
    }
  }
  return stems;
}

function sharedStems(first: readonly string[], second: readonly string[]): Set<string> {
  const inFirst = new Set(first.flatMap(contentStems));
  return new Set(second.flatMap(contentStems).filter((stemmed) => inFirst.has(stemmed)));
}

function coverage(
  persona: readonly string[],
  spoken: ReadonlySet<string>,
  shared: ReadonlySet<string>,
  weights: StemWeights,
): number {
  let total = 0;
  let measured = 0;
  for (const attribute of persona) {
    const stems = [...new Set(contentStems(attribute))].filter((stemmed) => !shared.has(stemmed));
    const weight = stems.reduce((sum, stemmed) => sum + weights(stemmed), 0);
    if (weight <= 0) continue;
    measured++;
    total +=
      stems.filter((stemmed) => spoken.has(stemmed)).reduce((sum, stemmed) => sum + weights(stemmed), 0) /
      weight;
  }
  return measured === 0 ? 0 : total / measured;
}
