import { z } from 'zod';
import { personaAttributeSchema } from './persona';
import { turnSchema } from './turn';

/**
 * A conversation between two personas, the unit every reader yields and every stage passes on.
 * `id` is stable: seeds derive it from file and record, generated ones from run/iteration/pair.
 */
export const conversationSchema = z.object({
  id: z.string().min(1),
  user1Persona: z.array(personaAttributeSchema),
  user2Persona: z.array(personaAttributeSchema),
  turns: z.array(turnSchema),
});
export type Conversation = z.infer<typeof conversationSchema>;
