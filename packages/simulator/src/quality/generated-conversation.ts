import {
  type Conversation,
  type SeededRandom,
  SIMULATED_DEFECT_KINDS,
  type SimulatedDefectKind,
} from '@parley/core';
import { plantDefect } from '@parley/critic';
import { type WrittenTurn, writeConversation } from '../conversation-writer';
import type { TextWriter } from '../text-writer';
import { conversationKey } from './planted-log';
import type { QualityModel } from './quality-model';
import { shownConversations } from './shown-conversations';

/** Total turns the answer may have (the output schema's minItems / maxItems, when it sets them). */
export interface TurnLimits {
  minimum: number;
  maximum: number;
}

/**
 * The Generator's answer to a conversation prompt (`prompt`: its user messages; the target
 * profiles are the writer's facts), as a model that learns from its examples would write it
 * (docs/simulator.md):
 * - length: each speaker speaks about as often as in one of the prompt's examples (±1), within
 *   the prompt's "each of them speaking between X and Y times" and the schema's limits;
 * - defects: each kind of SIMULATED_DEFECT_KINDS with probability
 *   `defectRates[kind] × (1 − exampleLearning × clean share)`, where the clean share is the
 *   share of the prompt's examples in which the judges' own checks see no defect (read from
 *   the example text, never from labels; a prompt without examples counts as clean). Defects are
 *   planted with the Critic's planting functions and recorded in the model's PlantedLog.
 */
export function writeGeneratedConversation(
  writer: TextWriter,
  prompt: string,
  quality: QualityModel,
  limits: TurnLimits,
): WrittenTurn[] {
  const { random, facts } = writer;
  const examples = shownConversations(prompt);
  const cleanShare =
    examples.length === 0
      ? 1
      : examples.filter((example) => quality.exampleDefectsOf(example).length === 0).length / examples.length;
  const { defectRates, exampleLearning } = quality.settings;
  const drawn = new Set(
    SIMULATED_DEFECT_KINDS.filter((kind) =>
      random.chance(defectRates[kind] * (1 - exampleLearning * cleanShare)),
    ),
  );

  const total = turnCount(random, prompt, examples, limits, facts.turnRange);
  const target = { user1: facts.user1Profile, user2: facts.user2Profile };
  let profiles = target;
  const planted: SimulatedDefectKind[] = [];
  if (drawn.has('exchanged-personas')) {
    profiles = { user1: target.user2, user2: target.user1 };
    planted.push('exchanged-personas');
  } else if (drawn.has('swapped-personas') && examples.length > 0) {
    // Writing about an example's people instead of the two given: another pair's personas.
    const donor = random.pick(examples);
    profiles = { user1: donor.user1Persona, user2: donor.user2Persona };
    planted.push('swapped-personas');
  }
  // Room for the two exchanges a loop says again, within the limits.
  const repeat = drawn.has('repeated-turns') && total - 4 >= Math.max(limits.minimum, 8);
  const written = writeConversation(writer, profiles, repeat ? total - 4 : total);
  let conversation: Conversation = {
    id: 'generated',
    user1Persona: [...target.user1],
    user2Persona: [...target.user2],
    turns: written.map((turn) => ({ speaker: turn.speaker, text: turn.text })),
  };
  for (const kind of TEXT_DEFECTS) {
    if (!drawn.has(kind) || (kind === 'repeated-turns' && !repeat)) continue;
    const result =
      kind === 'truncated'
        ? cutOff(conversation, random, limits.minimum)
        : plantDefect(kind, conversation, { random });
    if ('planted' in result) {
      conversation = result.planted;
      planted.push(kind);
    }
  }
  const turns = conversation.turns.map((turn) => ({
    speaker: turn.speaker === 'user2' ? ('user2' as const) : ('user1' as const),
    text: turn.text,
  }));
  quality.planted.record(
    conversationKey(turns),
    SIMULATED_DEFECT_KINDS.filter((kind) => planted.includes(kind)),
  );
  return turns;
}

/** Defects planted into the text, in this order (the cut comes last: it ends the conversation). */
const TEXT_DEFECTS: readonly SimulatedDefectKind[] = [
  'verbatim-copy',
  'self-contradiction',
  'abuse',
  'repeated-turns',
  'shuffled',
  'truncated',
];

const SPEAKING_BETWEEN = /each of them speaking between (\d+) and (\d+) times/i;
const SPEAKING_AT_LEAST = /each of them speaking at least (\d+) times/i;
const SPEAKING_AT_MOST = /each of them speaking at most (\d+) times/i;

/** Per-speaker bounds the prompt states, if any. */
export function speakerBounds(text: string): { minimum?: number; maximum?: number } {
  const between = SPEAKING_BETWEEN.exec(text);
  if (between) {
    const [low, high] = [Number(between[1]), Number(between[2])].sort((a, b) => a - b) as [number, number];
    return { minimum: low, maximum: high };
  }
  const atLeast = SPEAKING_AT_LEAST.exec(text);
  const atMost = SPEAKING_AT_MOST.exec(text);
  return {
    ...(atLeast ? { minimum: Number(atLeast[1]) } : {}),
    ...(atMost ? { maximum: Number(atMost[1]) } : {}),
  };
}

/**
 * How many turns to write: twice a per-speaker count taken from one example (±1), or, without
 * examples, the prompt's turn range (6–7 by default); clamped to the per-speaker bounds the
 * prompt states and to the schema's limits, and even so that both speakers speak as often.
 */
function turnCount(
  random: SeededRandom,
  prompt: string,
  examples: readonly Conversation[],
  limits: TurnLimits,
  turnRange: { minimum: number; maximum: number } | undefined,
): number {
  const bounds = speakerBounds(prompt);
  let perSpeaker: number;
  if (examples.length > 0) {
    const example = random.pick(examples);
    const counts = ['user1', 'user2'].map(
      (speaker) => example.turns.filter((turn) => turn.speaker === speaker).length,
    );
    perSpeaker = Math.max(1, Math.round((counts[0]! + counts[1]!) / 2) + random.integer(-1, 1));
  } else if (bounds.minimum !== undefined || bounds.maximum !== undefined) {
    const low = bounds.minimum ?? Math.min(6, bounds.maximum!);
    perSpeaker = random.integer(low, Math.max(low, Math.min(bounds.maximum ?? low + 1, low + 1)));
  } else {
    const range = turnRange ?? { minimum: 6, maximum: 7 };
    return clamp(random.integer(range.minimum, range.maximum), limits.minimum, limits.maximum);
  }
  perSpeaker = clamp(perSpeaker, bounds.minimum ?? 1, bounds.maximum ?? Number.POSITIVE_INFINITY);
  const total = clamp(2 * perSpeaker, limits.minimum, limits.maximum);
  return total;
}

function clamp(value: number, minimum: number, maximum: number): number {
  return Math.max(minimum, Math.min(maximum, value));
}

/**
 * A conversation that stops mid-sentence (the `truncated` kind) and still has at least
 * `minimum` turns: the Critic's planting keeps 35–70 % of the turns, which a structured-output
 * schema with minItems would refuse; below that, the last turn allowed is cut instead.
 */
function cutOff(
  conversation: Conversation,
  random: SeededRandom,
  minimum: number,
): { planted: Conversation } | { skipped: string } {
  const planted = plantDefect('truncated', conversation, { random });
  if ('planted' in planted && planted.planted.turns.length >= minimum) return planted;
  const keep = Math.max(minimum, 2);
  if (conversation.turns.length < keep) return { skipped: 'too short to cut' };
  const turns = conversation.turns.slice(0, keep).map((turn) => ({ ...turn }));
  const last = turns.at(-1)!;
  const words = last.text.trim().split(/\s+/);
  if (words.length < 3) return { skipped: 'no line long enough to cut' };
  const kept = Math.max(
    1,
    Math.min(words.length - 1, Math.round(words.length * (0.4 + 0.3 * random.next()))),
  );
  last.text = words
    .slice(0, kept)
    .join(' ')
    .replace(/[\s.!?…,;:"'”’)]+$/u, '');
  return { planted: { ...conversation, turns } };
}
