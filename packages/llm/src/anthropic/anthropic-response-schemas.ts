import { z } from 'zod';

// Only the fields Parley reads; the API adds fields freely, so objects are not strict.
export const anthropicMessageResponseSchema = z.object({
  model: z.string().optional(),
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullish(),
  // With `stop_reason: refusal`: the policy category and a human-readable explanation.
  stop_details: z.looseObject({ explanation: z.string().nullish() }).nullish(),
  usage: z
    .object({
      input_tokens: z.number().int().nonnegative(),
      output_tokens: z.number().int().nonnegative(),
      cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
      cache_read_input_tokens: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
});
