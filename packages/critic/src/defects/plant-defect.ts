import type { Conversation, SeededRandom, Speaker, Turn } from '@parley/core';
import { wordTokens } from '../text-tokens';
import { ABUSIVE_SENTENCES } from './abusive-sentences';
import { contradictingStatement } from './contradicting-statement';
import type { DefectKind } from './defect-kinds';

/** What planting needs besides the conversation. */
export interface PlantContext {
  random: SeededRandom;
  /** Another conversation of the same set: the donor of `swapped-personas`. */
  donor?: Conversation;
}

/** A planted copy and what was done to it, or why this conversation could not take the defect. */
export type PlantResult = { planted: Conversation; note: string } | { skipped: string };

/**
 * Plants one defect into a copy of a conversation (the input is never changed). Deterministic
 * for a given random stream. The kinds are described in DEFECT_DESCRIPTIONS.
 */
export function plantDefect(
  kind: DefectKind,
  conversation: Conversation,
  context: PlantContext,
): PlantResult {
  const copy: Conversation = {
    ...conversation,
    user1Persona: [...conversation.user1Persona],
    user2Persona: [...conversation.user2Persona],
    turns: conversation.turns.map((turn) => ({ ...turn })),
  };
  if (copy.turns.length < 4) return { skipped: 'fewer than 4 turns' };
  switch (kind) {
    case 'verbatim-copy':
      return verbatimCopy(copy, context.random);
    case 'abuse':
      return abuse(copy, context.random);
    case 'repeated-turns':
      return repeatedTurns(copy, context.random);
    case 'truncated':
      return truncated(copy, context.random);
    case 'swapped-personas':
      return swappedPersonas(copy, context.donor);
    case 'exchanged-personas':
      return {
        planted: { ...copy, user1Persona: copy.user2Persona, user2Persona: copy.user1Persona },
        note: 'personas exchanged',
      };
    case 'self-contradiction':
      return selfContradiction(copy, context.random);
    case 'shuffled':
      return shuffled(copy, context.random);
  }
}

function turnsOf(conversation: Conversation, speaker: Speaker): number[] {
  return conversation.turns.flatMap((turn, index) => (turn.speaker === speaker ? [index] : []));
}

function append(turn: Turn, sentence: string): void {
  const text = turn.text.trim();
  turn.text = /[.!?…]["'”’)]*$/u.test(text) ? `${text} ${sentence}` : `${text}. ${sentence}`;
}

function verbatimCopy(conversation: Conversation, random: SeededRandom): PlantResult {
  const speakers = (['user1', 'user2'] as const).filter(
    (speaker) => personaOf(conversation, speaker).length >= 2 && turnsOf(conversation, speaker).length >= 2,
  );
  if (speakers.length === 0) return { skipped: 'no speaker with 2 persona sentences and 2 turns' };
  const speaker = random.pick(speakers);
  const persona = personaOf(conversation, speaker);
  // One sentence per turn, spread over the speaker's turns in order, as a model pasting its profile does.
  const places = random.sample(turnsOf(conversation, speaker), persona.length).sort((a, b) => a - b);
  persona.forEach((sentence, index) => {
    append(conversation.turns[places[index % places.length]!]!, sentence.trim());
  });
  return {
    planted: conversation,
    note: `${speakerName(speaker)} pastes ${persona.length} persona sentences`,
  };
}

function abuse(conversation: Conversation, random: SeededRandom): PlantResult {
  const place = random.below(conversation.turns.length);
  const turn = conversation.turns[place]!;
  if (turn.speaker === null) return { skipped: 'the chosen line has no speaker' };
  const sentence = random.pick(ABUSIVE_SENTENCES);
  append(turn, sentence);
  return { planted: conversation, note: `line ${place + 1} gets ${JSON.stringify(sentence)}` };
}

function repeatedTurns(conversation: Conversation, random: SeededRandom): PlantResult {
  const { turns } = conversation;
  // Two exchanges (four consecutive turns, each long enough to count as a repetition) said
  // again later, as a model that loops does; inserting an even number keeps speakers alternating.
  const starts = turns
    .map((_, index) => index)
    .filter(
      (index) =>
        index + REPEATED_BLOCK <= turns.length &&
        turns
          .slice(index, index + REPEATED_BLOCK)
          .every((turn) => turn.speaker !== null && wordTokens(turn.text).length >= 5),
    );
  if (starts.length === 0) return { skipped: `no ${REPEATED_BLOCK} consecutive turns of 5 words or more` };
  const start = random.pick(starts);
  const places: number[] = [];
  for (let at = start + REPEATED_BLOCK; at <= turns.length; at += 2) places.push(at);
  const at = random.pick(places);
  turns.splice(at, 0, ...turns.slice(start, start + REPEATED_BLOCK).map((turn) => ({ ...turn })));
  return {
    planted: conversation,
    note: `lines ${start + 1}–${start + REPEATED_BLOCK} said again from line ${at + 1}`,
  };
}

/** Turns said again by `repeated-turns`: two exchanges. */
const REPEATED_BLOCK = 4;

function truncated(conversation: Conversation, random: SeededRandom): PlantResult {
  const total = conversation.turns.length;
  const keep = Math.max(2, Math.round(total * (0.35 + 0.35 * random.next())));
  const turns = conversation.turns.slice(0, keep);
  const last = turns.at(-1)!;
  const words = last.text.trim().split(/\s+/);
  if (words.length < 3) {
    // Too short to cut inside: stop inside the next line instead.
    const next = conversation.turns[keep];
    if (!next || next.text.trim().split(/\s+/).length < 3) return { skipped: 'no line long enough to cut' };
    turns.push({ ...next });
  }
  const cut = turns.at(-1)!;
  const cutWords = cut.text.trim().split(/\s+/);
  const kept = Math.max(
    1,
    Math.min(cutWords.length - 1, Math.round(cutWords.length * (0.4 + 0.3 * random.next()))),
  );
  cut.text = cutWords
    .slice(0, kept)
    .join(' ')
    .replace(/[\s.!?…,;:"'”’)]+$/u, '');
  return {
    planted: { ...conversation, turns },
    note: `stops at line ${turns.length} of ${total}, after ${kept} of its ${cutWords.length} words`,
  };
}

function swappedPersonas(conversation: Conversation, donor: Conversation | undefined): PlantResult {
  if (!donor || donor.id === conversation.id)
    return { skipped: 'no other conversation to take personas from' };
  return {
    planted: {
      ...conversation,
      user1Persona: [...donor.user1Persona],
      user2Persona: [...donor.user2Persona],
    },
    note: `personas of ${donor.id}`,
  };
}

function selfContradiction(conversation: Conversation, random: SeededRandom): PlantResult {
  const options = (['user1', 'user2'] as const).flatMap((speaker) =>
    personaOf(conversation, speaker).flatMap((attribute) => {
      const statement = contradictingStatement(attribute);
      return statement && turnsOf(conversation, speaker).length > 0
        ? [{ speaker, attribute, statement }]
        : [];
    }),
  );
  if (options.length === 0) return { skipped: 'no persona sentence the offline rules can contradict' };
  const { speaker, attribute, statement } = random.pick(options);
  // In the second half, once the facts have had a chance to come up.
  const places = turnsOf(conversation, speaker);
  const place = places[Math.floor(places.length / 2) + random.below(Math.ceil(places.length / 2))]!;
  append(conversation.turns[place]!, statement);
  return {
    planted: conversation,
    note: `${speakerName(speaker)} says ${JSON.stringify(statement)} on line ${place + 1} against ${JSON.stringify(attribute)}`,
  };
}

function shuffled(conversation: Conversation, random: SeededRandom): PlantResult {
  let changed = false;
  for (const speaker of ['user1', 'user2'] as const) {
    const places = turnsOf(conversation, speaker);
    const texts = places.map((place) => conversation.turns[place]!.text);
    let order = random.shuffle(texts);
    if (texts.length >= 2 && order.every((text, index) => text === texts[index])) {
      order = [...texts.slice(1), texts[0]!];
    }
    places.forEach((place, index) => {
      if (conversation.turns[place]!.text !== order[index]) changed = true;
      conversation.turns[place]!.text = order[index]!;
    });
  }
  if (!changed) return { skipped: 'every utterance is the same' };
  return { planted: conversation, note: "each speaker's utterances shuffled" };
}

function personaOf(conversation: Conversation, speaker: Speaker): string[] {
  return speaker === 'user1' ? conversation.user1Persona : conversation.user2Persona;
}

function speakerName(speaker: Speaker): string {
  return speaker === 'user1' ? 'User 1' : 'User 2';
}
