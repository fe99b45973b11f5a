import { type Conversation, conversationSchema } from '@parley/core';
import type { ChatMessage } from '@parley/llm';
import { z } from 'zod';
import type { FilterOutcome, ModelFilterExpert } from './expert';
import { formatPersonas, formatTurns } from './format-conversation';
import type { LlmStage } from './llm-stage';

/** What the faithfulness model must answer. Reasons come first so the verdict follows them. */
export const faithfulnessOutputSchema = z.object({
  reasoning: z.string().describe('Check each persona attribute against what its speaker says.'),
  contradictions: z
    .array(
      z.object({
        speaker: z.enum(['User 1', 'User 2']),
        attribute: z.string().describe('The persona attribute that is contradicted, verbatim.'),
        evidence: z.string().describe('The line of the conversation that contradicts it.'),
      }),
    )
    .describe('Every contradiction found; empty when the conversation is faithful.'),
  faithful: z.boolean().describe('True when no line contradicts either persona.'),
});
export type FaithfulnessOutput = z.infer<typeof faithfulnessOutputSchema>;

const INSTRUCTIONS = `You check synthetic conversations between two people, User 1 and User 2, each given a persona (a few facts about themselves).

A conversation is FAITHFUL when nothing a speaker says contradicts their own persona or the other speaker's persona. A speaker need not mention every fact: leaving a fact out is fine, and so are new facts the persona does not rule out. It is UNFAITHFUL when a speaker states something incompatible with a persona fact (User 1's persona says "I am a vegetarian" and User 1 says "I grilled a steak for dinner"), or claims the other speaker's persona as their own in a way that contradicts their own persona.

Answer with your reasoning, the list of contradictions (speaker, the persona attribute verbatim, the contradicting line) and the verdict.`;

/** Few-shot examples: the conversation, then the answer a careful judge gives. */
const EXAMPLES: Array<{ personas: string; conversation: string; answer: FaithfulnessOutput }> = [
  {
    personas: `User 1's persona:
- I have two dogs.
- I work as a nurse.
- I love hiking in the mountains.

User 2's persona:
- I am a college student.
- I play the guitar.
- My favorite food is sushi.`,
    conversation: `User 1: Hey! Long shift at the hospital today, I'm exhausted.
User 2: Oh no, are you a doctor?
User 1: A nurse, actually. What about you?
User 2: I'm still in college, second year. I mostly study and play guitar.
User 1: Nice! I go hiking up in the mountains with my dogs when I get a day off.
User 2: That sounds great. After exams I treat myself to sushi.`,
    answer: {
      reasoning:
        'User 1 works at a hospital as a nurse, has dogs and hikes in the mountains: all consistent. User 2 is in college, plays guitar and likes sushi: consistent. Nothing contradicts either persona.',
      contradictions: [],
      faithful: true,
    },
  },
  {
    personas: `User 1's persona:
- I am a vegetarian.
- I live in a small town.
- I have three sisters.

User 2's persona:
- I am a retired teacher.
- I love gardening.`,
    conversation: `User 1: Hi! What did you do this weekend?
User 2: I worked in my garden. Since I retired from teaching I have all the time in the world for it.
User 1: Lucky you. I had a barbecue and grilled the best steak of my life.
User 2: Sounds delicious! Do you have a big family?
User 1: No, it's just me, I'm an only child.`,
    answer: {
      reasoning:
        'User 2 is a retired teacher who gardens: consistent. User 1 says they grilled and ate a steak, which contradicts being a vegetarian, and says they are an only child, which contradicts having three sisters. The small town is not mentioned, which is fine.',
      contradictions: [
        {
          speaker: 'User 1',
          attribute: 'I am a vegetarian.',
          evidence: 'User 1: ... grilled the best steak of my life.',
        },
        {
          speaker: 'User 1',
          attribute: 'I have three sisters.',
          evidence: "User 1: No, it's just me, I'm an only child.",
        },
      ],
      faithful: false,
    },
  },
  {
    personas: `User 1's persona:
- I am afraid of water.
- I am an accountant.

User 2's persona:
- I am a professional swimmer.
- I have a cat named Luna.`,
    conversation: `User 1: What do you do for a living?
User 2: I swim professionally. Training every morning at six!
User 1: Wow. I swim too, actually, I'm in the pool almost every day, I love it.
User 2: Ha, we should race sometime! Luna, my cat, hates it when I come home smelling of chlorine.`,
    answer: {
      reasoning:
        "User 2 is a professional swimmer with a cat named Luna: consistent. User 1 says they are in the pool almost every day and love it, which contradicts being afraid of water; User 1's job is never mentioned, which is fine.",
      contradictions: [
        {
          speaker: 'User 1',
          attribute: 'I am afraid of water.',
          evidence: "User 1: I swim too, actually, I'm in the pool almost every day, I love it.",
        },
      ],
      faithful: false,
    },
  },
];

/** The persona-faithfulness prompt: instructions, worked examples, then the candidate. Pure. */
export function buildFaithfulnessPrompt(conversation: Conversation): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: INSTRUCTIONS }];
  for (const example of EXAMPLES) {
    messages.push({ role: 'user', content: faithfulnessQuestion(example.personas, example.conversation) });
    messages.push({ role: 'assistant', content: JSON.stringify(example.answer) });
  }
  // Instructions and worked examples are the same in every call: the prompt cache's prefix.
  messages[messages.length - 1] = { ...messages[messages.length - 1]!, cacheBreakpoint: true };
  messages.push({
    role: 'user',
    content: faithfulnessQuestion(formatPersonas(conversation), formatTurns(conversation.turns)),
  });
  return messages;
}

function faithfulnessQuestion(personas: string, conversation: string): string {
  return `${personas}\n\nConversation:\n${conversation}\n\nDoes this conversation contradict either persona?`;
}

/** The verdict: faithful only when the model says so AND lists no contradiction. */
export function parseFaithfulness(output: FaithfulnessOutput): FilterOutcome {
  const passed = output.faithful && output.contradictions.length === 0;
  const listed = output.contradictions
    .map(
      (contradiction) =>
        `${contradiction.speaker} contradicts "${contradiction.attribute}" (${contradiction.evidence})`,
    )
    .join('; ');
  const conflict =
    output.faithful && output.contradictions.length > 0 ? 'said faithful but listed contradictions: ' : '';
  return {
    passed,
    rationale: passed ? output.reasoning : `${conflict}${listed || output.reasoning}`,
  };
}

export const faithfulnessStage: LlmStage<Conversation, FaithfulnessOutput, FilterOutcome> = {
  name: 'critique:faithfulness',
  schemaName: 'faithfulness_verdict',
  inputSchema: conversationSchema,
  outputSchema: faithfulnessOutputSchema,
  buildPrompt: buildFaithfulnessPrompt,
  parse: parseFaithfulness,
};

/** The persona-faithfulness filter (the paper's first Critic expert). */
export function createFaithfulnessExpert(options: { model: string }): ModelFilterExpert<FaithfulnessOutput> {
  return {
    type: 'model',
    name: 'faithfulness',
    kind: 'filter',
    model: options.model,
    stage: faithfulnessStage,
  };
}
