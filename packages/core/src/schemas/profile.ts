import { z } from 'zod';
import { personaAttributeSchema } from './persona';

/** A user profile: the persona attributes of one imagined person. */
export const userProfileSchema = z.object({
  id: z.string().min(1),
  attributes: z.array(personaAttributeSchema).min(1, 'a profile needs at least one attribute'),
});
export type UserProfile = z.infer<typeof userProfileSchema>;
