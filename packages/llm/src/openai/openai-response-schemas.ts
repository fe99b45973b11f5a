import { z } from 'zod';

// Only the fields Parley reads; vendors add fields freely, so objects are not strict.

const usageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative().optional(),
  // Of prompt_tokens: read from (and, on some models, written to) the prompt cache.
  prompt_tokens_details: z
    .object({
      cached_tokens: z.number().int().nonnegative().nullish(),
      cache_write_tokens: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
});

export const openAIChatResponseSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});

export const openAIEmbeddingResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  usage: usageSchema.partial().nullish(),
});

export const openAIModerationResponseSchema = z.object({
  results: z.array(
    z.object({
      flagged: z.boolean(),
      category_scores: z.record(z.string(), z.number()),
    }),
  ),
});
