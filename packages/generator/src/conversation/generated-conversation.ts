import type { Conversation, ProfilePair, Turn } from '@parley/core';
import { z } from 'zod';

const turnSchema = z.object({
  speaker: z.enum(['User 1', 'User 2']),
  text: z.string(),
});

/**
 * What the Generator must answer, sent to the provider as a JSON schema. The turn count bounds
 * the whole conversation (twice the per-speaker bounds), so structured-output providers enforce
 * it; alternation and per-speaker counts are judged by the Critic's structure expert, so a
 * slightly off conversation is kept as data and rejected with a reason.
 */
export function generatedConversationSchema(
  minTurnsPerSpeaker: number,
  maxTurnsPerSpeaker: number,
): GeneratedConversationSchema {
  // One object per bound pair: the LLM layer caches a schema's JSON Schema per object, and a
  // fresh object per call made every generate call convert it again.
  const key = `${minTurnsPerSpeaker}-${maxTurnsPerSpeaker}`;
  let schema = schemasByBounds.get(key);
  if (!schema) {
    schema = z.object({
      turns: z
        .array(turnSchema)
        .min(2 * minTurnsPerSpeaker)
        .max(2 * maxTurnsPerSpeaker),
    });
    schemasByBounds.set(key, schema);
  }
  return schema;
}
type GeneratedConversationSchema = z.ZodObject<{ turns: z.ZodArray<typeof turnSchema> }>;
const schemasByBounds = new Map<string, GeneratedConversationSchema>();
export type GeneratedConversation = { turns: Array<z.infer<typeof turnSchema>> };

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
