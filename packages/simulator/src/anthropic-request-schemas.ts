import { z } from 'zod';

// Request body of Anthropic's POST /v1/messages, as the official SDK sends it, loose for fields
// the simulator ignores (temperature, top_k, metadata, thinking...).

const contentBlockSchema = z.looseObject({ type: z.string() });

export const anthropicMessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

const jsonSchemaObject = z.record(z.string(), z.unknown());

const outputFormatSchema = z.looseObject({ type: z.literal('json_schema'), schema: jsonSchemaObject });

export const anthropicToolSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: jsonSchemaObject.optional(),
  type: z.string().optional(),
});

export const anthropicToolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto') }),
  z.looseObject({ type: z.literal('any') }),
  z.looseObject({ type: z.literal('none') }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1) }),
]);

export const anthropicMessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number({ error: 'Field required (a positive integer)' }).int().positive(),
  messages: z.array(anthropicMessageSchema).min(1, { error: 'at least one message is required' }),
  system: z.union([z.string(), z.array(contentBlockSchema)]).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z.array(anthropicToolSchema).optional(),
  tool_choice: anthropicToolChoiceSchema.optional(),
  output_config: z.looseObject({ format: outputFormatSchema.nullish() }).optional(),
  /** The beta name of `output_config.format`, still sent by `client.beta.messages`. */
  output_format: outputFormatSchema.nullish(),
  stream: z.boolean().optional(),
});
export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
