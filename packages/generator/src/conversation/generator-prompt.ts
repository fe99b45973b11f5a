import { type Conversation, type ProfilePair, speakerLabel } from '@parley/core';
import type { ChatMessage } from '@parley/llm';

export interface GeneratorPromptInput {
  /** Few-shot examples from the example pool (profile pair + conversation each). */
  examples: Conversation[];
  /** The two profiles the new conversation is between. */
  pair: ProfilePair;
  /** Turn bounds per speaker; absent, the prompt asks for the examples' length. */
  minTurnsPerSpeaker?: number;
  maxTurnsPerSpeaker?: number;
}

const PREAMBLE = [
  'You write natural, engaging conversations between two people, each described by a profile of persona facts.',
  'Below are example conversations, each with the profiles of its two users.',
  'Then write a new conversation for the two profiles given last.',
].join(' ');

/** Renders a profile as the prompt shows it: a header, then one `- fact` line each. */
export function renderProfile(label: string, attributes: readonly string[]): string {
  return [`${label} Profile:`, ...attributes.map((attribute) => `- ${attribute}`)].join('\n');
}

/** Renders a conversation as `User 1: ...` lines; a seed line without speaker is kept verbatim. */
export function renderConversation(conversation: Conversation): string {
  return conversation.turns
    .map((turn) => (turn.speaker ? `${speakerLabel(turn.speaker)}: ${turn.text}` : turn.text))
    .join('\n');
}

/**
 * The paper's Generator prompt: a preamble, examples of "User 1 Profile / User 2 Profile /
 * Conversation", the target profiles, and the instructions (a length like the examples', within
 * the run's turn bounds; reflect the profiles implicitly, never copy them). A pure function.
 */
export function buildGeneratorPrompt(input: GeneratorPromptInput): ChatMessage[] {
  // A fixed order (by id): prompts drawing the same examples share a byte-identical prefix.
  const ordered = [...input.examples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const examples = ordered.map((example, index) =>
    [
      `Example ${index + 1}`,
      renderProfile('User 1', example.user1Persona),
      renderProfile('User 2', example.user2Persona),
      'Conversation:',
      renderConversation(example),
    ].join('\n'),
  );
  const instructions = [
    lengthInstruction(input),
    'The conversation must be natural and consistent with both profiles: let the persona facts come up implicitly, in the speakers’ own words.',
    'Do not copy the profile sentences verbatim, do not contradict them, and do not use placeholders such as [name].',
    'Answer with the turns only, each with its speaker ("User 1" or "User 2") and text.',
  ].join('\n');
  const target = [
    renderProfile('User 1', input.pair.user1.attributes),
    renderProfile('User 2', input.pair.user2.attributes),
  ].join('\n');
  // The long shared part first (preamble, examples, instructions), marked for the providers'
  // prompt caches; the target profiles, different in every call, last.
  return [
    { role: 'system', content: PREAMBLE },
    { role: 'user', content: `${examples.join('\n\n')}\n\n${instructions}`, cacheBreakpoint: true },
    { role: 'user', content: `${target}\nConversation:` },
  ];
}

/**
 * The length asked for: as long as the examples (the seed's conversations in iteration 1), and
 * within the bounds the output schema and the structure filter enforce, both ends included.
 */
function lengthInstruction(input: GeneratorPromptInput): string {
  const { minTurnsPerSpeaker: min, maxTurnsPerSpeaker: max } = input;
  const bounds =
    min !== undefined && max !== undefined
      ? `, each of them speaking between ${min} and ${max} times`
      : min !== undefined
        ? `, each of them speaking at least ${min} times`
        : max !== undefined
          ? `, each of them speaking at most ${max} times`
          : '';
  return `Write a conversation between User 1 and User 2 about as long as the examples${bounds}, alternating, starting with User 1.`;
}
