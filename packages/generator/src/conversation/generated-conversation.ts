import type { Conversation, ProfilePair, Turn } from '@parley/core';
import { z } from 'zod';

/**
 * What the Generator must answer (sent to the provider as a JSON schema). Loose on purpose:
 * turn counts and alternation are judged by the Critic's structure expert, so a slightly
 * off conversation is kept as data and rejected with a reason rather than retried blindly.
 */
export const generatedConversationSchema = z.object({
  turns: z
    .array(
      z.object({
        speaker: z.enum(['User 1', 'User 2']),
        text: z.string(),
      }),
    )
    .min(2)
    .max(40),
});
export type GeneratedConversation = z.infer<typeof generatedConversationSchema>;

/** Turns the model's answer into a Conversation between the pair's two profiles. */
export function toConversation(
  id: string,
  pair: ProfilePair,
  generated: GeneratedConversation,
): Conversation {
  const turns: Turn[] = generated.turns.map((turn) => ({
    speaker: turn.speaker === 'User 1' ? 'user1' : 'user2',
    text: turn.text.trim(),
  }));
  return { id, user1Persona: [...pair.user1.attributes], user2Persona: [...pair.user2.attributes], turns };
}
