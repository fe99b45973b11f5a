import { z } from 'zod';
import { userProfileSchema } from './profile';

/** Two profiles that will talk to each other. `similarity` is the stage-3 score when pairing ran. */
export const profilePairSchema = z.object({
  id: z.string().min(1),
  user1: userProfileSchema,
  user2: userProfileSchema,
  similarity: z.number().nonnegative().optional(),
});
export type ProfilePair = z.infer<typeof profilePairSchema>;
