import { z } from 'zod';

// Request bodies of the OpenAI endpoints the simulator serves. Loose objects: fields the
// simulator does not use (temperature, seed, user...) are accepted and ignored, as
// OpenAI-compatible servers do; the fields it does use are checked strictly.

const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const messageContentSchema = z.union([z.string(), z.array(contentPartSchema), z.null()]);

export const openaiMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: messageContentSchema.optional(),
  tool_calls: z
    .array(z.looseObject({ function: z.looseObject({ name: z.string(), arguments: z.string() }) }))
    .optional(),
});
export type OpenaiMessage = z.infer<typeof openaiMessageSchema>;

const jsonSchemaObject = z.record(z.string(), z.unknown());

export const openaiResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z
        .string()
        .regex(/^[a-zA-Z0-9_-]{1,64}$/, { error: 'must be 1-64 characters of a-z, A-Z, 0-9, _ or -' }),
      description: z.string().optional(),
      schema: jsonSchemaObject.optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const openaiToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: jsonSchemaObject.optional(),
    strict: z.boolean().nullish(),
  }),
});

export const openaiToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);

const positiveTokenLimit = z.number().int().positive().nullish();

export const openaiChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(openaiMessageSchema).min(1, { error: 'messages must contain at least one message' }),
  n: z.number().int().min(1).max(128).nullish(),
  max_tokens: positiveTokenLimit,
  max_completion_tokens: positiveTokenLimit,
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  response_format: openaiResponseFormatSchema.optional(),
  tools: z.array(openaiToolSchema).optional(),
  tool_choice: openaiToolChoiceSchema.optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
export type OpenaiChatRequest = z.infer<typeof openaiChatRequestSchema>;

const embeddingInputSchema = z.union([
  z.string(),
  z.array(z.string()).min(1),
  z.array(z.number().int()).min(1),
  z.array(z.array(z.number().int()).min(1)).min(1),
]);

export const openaiEmbeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: embeddingInputSchema,
  dimensions: z.number().int().min(1).max(8192).optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
});
export type OpenaiEmbeddingRequest = z.infer<typeof openaiEmbeddingRequestSchema>;

const moderationPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

export const openaiModerationRequestSchema = z.looseObject({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string()), z.array(moderationPartSchema)]),
});
export type OpenaiModerationRequest = z.infer<typeof openaiModerationRequestSchema>;
