import { z } from 'zod';

/** Who speaks a turn. Parley always calls the two people `user1` and `user2`, as SPC does. */
export const speakerSchema = z.enum(['user1', 'user2']);
export type Speaker = z.infer<typeof speakerSchema>;

/**
 * One line of a conversation. `speaker` is null only for a seed line that carried no speaker
 * prefix ("(The next day)", "* * *"): it is kept verbatim so a seed round-trips, and the
 * structure expert rejects such a line in anything Parley generates.
 */
export const turnSchema = z.object({
  speaker: speakerSchema.nullable(),
  text: z.string(),
});
export type Turn = z.infer<typeof turnSchema>;

/** Label used in prompts and in the SPC CSV format: `User 1`, `User 2`. */
export function speakerLabel(speaker: Speaker): string {
  return speaker === 'user1' ? 'User 1' : 'User 2';
}
