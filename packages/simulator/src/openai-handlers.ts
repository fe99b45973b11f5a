import { mixHashes, SeededRandom } from '@parley/core';
import { type AnswerFormat, corruptJson, runawayText, writeAnswer } from './chat-answer';
import { embedText, encodeEmbeddingBase64 } from './embedding-vectors';
import {
  type AnswerShape,
  DEFAULT_RUNAWAY_OUTPUT_TOKENS,
  type ModelRequestContext,
  type ModelResponse,
  SIMULATED_REFUSAL,
} from './model-request-context';

const PLAIN: AnswerShape = { kind: 'plain', promptCache: false };

import { MODERATION_CATEGORIES, moderateText } from './moderation-classifier';
import {
  type OpenaiChatRequest,
  type OpenaiMessage,
  openaiChatRequestSchema,
  openaiEmbeddingRequestSchema,
  openaiModerationRequestSchema,
} from './openai-request-schemas';
import { parseRequestBody } from './parse-request-body';
import { ProviderHttpError } from './provider-errors';
import type { JsonSchema } from './schema-value-generator';
import { countPromptTokens, countTextTokens, truncateToTokens } from './token-count';

/** POST /v1/chat/completions. */
export function handleOpenaiChat(body: unknown, context: ModelRequestContext): ModelResponse {
  const request = parseRequestBody(openaiChatRequestSchema, body);
  const tool = chosenTool(request);
  const format: AnswerFormat = tool
    ? { kind: 'json-schema', schema: tool.parameters }
    : answerFormat(request);
  const texts = request.messages.map(messageText);
  const inputTokens = countPromptTokens(texts, schemaText(request));
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const lastUserText = lastUserMessage(request.messages, texts);
  const lastAnswer = request.messages.findLastIndex((message) => message.role === 'assistant');
  const userText = texts
    .filter((_, index) => index > lastAnswer && request.messages[index]!.role === 'user')
    .join('\n\n');

  const answers = Array.from({ length: request.n ?? 1 }, (_, choiceIndex) => {
    const answer = writeAnswer({
      lastUserText,
      userText,
      format,
      corpus: context.corpus,
      seed: context.seed,
      requestHash: context.requestHash,
      choiceIndex,
      verdictPassRate: context.verdictPassRate,
      quality: context.quality,
    });
    const full = 'text' in answer ? answer.text : JSON.stringify(answer.value);
    const cut = maxTokens !== undefined && countTextTokens(full) > maxTokens;
    return { text: cut ? truncateToTokens(full, maxTokens) : full, cut };
  });
  const outputTokens = answers.reduce((sum, answer) => sum + countTextTokens(answer.text), 0);

  const build = (
    contents: string[],
    shape: AnswerShape = PLAIN,
    outputTokensNow = outputTokens,
  ): ChatCompletionShape => ({
    id: `chatcmpl-${context.requestId}`,
    object: 'chat.completion',
    created: context.now,
    model: request.model,
    choices: answers.map((answer, index) => {
      const content = contents[index]!;
      const refused = shape.kind === 'refusal' || shape.kind === 'refusalWithContent';
      const message = tool
        ? {
            role: 'assistant',
            content: null,
            refusal: null,
            annotations: [],
            tool_calls: [
              {
                id: `call_${context.requestId}${index}`,
                type: 'function',
                function: { name: tool.name, arguments: content },
              },
            ],
          }
        : {
            role: 'assistant',
            // Structured outputs: a refusal comes in `refusal`, with the content null.
            content: shape.kind === 'refusal' ? null : content,
            refusal: refused ? SIMULATED_REFUSAL : null,
            annotations: [],
          };
      // A forced named tool ends with 'stop', as OpenAI does; a chosen one with 'tool_calls'.
      const finish =
        shape.kind === 'contentFilter'
          ? 'content_filter'
          : shape.kind === 'truncated' || answer.cut
            ? 'length'
            : tool && !tool.forced
              ? 'tool_calls'
              : 'stop';
      return { index, message, logprobs: null, finish_reason: finish };
    }),
    usage: openaiUsage(inputTokens, outputTokensNow, shape.promptCache ? Math.floor(inputTokens / 2) : 0),
    service_tier: 'default',
    system_fingerprint: 'fp_parley_simulator',
  });

  const contents = answers.map((answer) => answer.text);
  const response: ModelResponse = { body: build(contents), inputTokens, outputTokens };
  if (format.kind !== 'text') {
    response.malformed = () => {
      const random = new SeededRandom(mixHashes(context.seed, context.requestHash, 0x6d616c));
      return build(contents.map((content) => corruptJson(content, random)));
    };
  }
  if (request.stream) response.events = () => chatStreamEvents(build(contents), request);
  else if (!tool) {
    response.shaped = (shape) => {
      if (shape.kind === 'truncated') {
        const limit = maxTokens ?? DEFAULT_RUNAWAY_OUTPUT_TOKENS;
        const cut = contents.map((content) => runawayText(content, limit));
        const tokens = cut.reduce((sum, text) => sum + countTextTokens(text), 0);
        return { body: build(cut, shape, tokens), outputTokens: tokens };
      }
      const refusalTokens = shape.kind.startsWith('refusal')
        ? countTextTokens(SIMULATED_REFUSAL) * answers.length
        : 0;
      const tokens = (shape.kind === 'refusal' ? 0 : outputTokens) + refusalTokens;
      return { body: build(contents, shape, tokens), outputTokens: tokens };
    };
  }
  return response;
}

interface ChatCompletionShape {
  id: string;
  created: number;
  model: string;
  choices: { index: number; message: Record<string, unknown>; finish_reason: string }[];
  usage: unknown;
  [field: string]: unknown;
}

/** The chunks of a streamed completion: one delta with the whole content per choice, then its finish. */
function chatStreamEvents(full: ChatCompletionShape, request: OpenaiChatRequest): string[] {
  const chunk = (choices: unknown[], usage: unknown = null) =>
    JSON.stringify({
      id: full.id,
      object: 'chat.completion.chunk',
      created: full.created,
      model: full.model,
      system_fingerprint: 'fp_parley_simulator',
      choices,
      usage,
    });
  const events: string[] = [];
  for (const choice of full.choices) {
    const { message } = choice;
    const toolCalls = message['tool_calls'] as { id: string; type: string; function: object }[] | undefined;
    const delta = toolCalls
      ? { role: 'assistant', content: null, tool_calls: toolCalls.map((call, index) => ({ index, ...call })) }
      : { role: 'assistant', content: message['content'], refusal: null };
    events.push(chunk([{ index: choice.index, delta, logprobs: null, finish_reason: null }]));
    events.push(
      chunk([{ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }]),
    );
  }
  if (request.stream_options?.include_usage) events.push(chunk([], full.usage));
  return [...events.map((data) => `data: ${data}\n\n`), 'data: [DONE]\n\n'];
}

function answerFormat(request: OpenaiChatRequest): AnswerFormat {
  const format = request.response_format;
  if (!format || format.type === 'text') return { kind: 'text' };
  if (format.type === 'json_object') return { kind: 'json-object' };
  const schema = (format as { json_schema: { schema?: Record<string, unknown> } }).json_schema.schema;
  return schema ? { kind: 'json-schema', schema } : { kind: 'json-object' };
}

/** The tool the model "decides" to call: forced by name, required, or auto when no result is back yet. */
function chosenTool(
  request: OpenaiChatRequest,
): { name: string; parameters: JsonSchema; forced: boolean } | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? (tools.length > 0 ? 'auto' : 'none');
  if (tools.length === 0 || choice === 'none') return undefined;
  const toTool = (tool: (typeof tools)[number], forced: boolean) => ({
    name: tool.function.name,
    parameters: (tool.function.parameters ?? { type: 'object', properties: {} }) as JsonSchema,
    forced,
  });
  if (typeof choice === 'object') {
    const named = tools.find((tool) => tool.function.name === choice.function.name);
    if (!named) {
      throw new ProviderHttpError(
        400,
        `Invalid value for 'tool_choice': no function named '${choice.function.name}' in 'tools'.`,
        {
          param: 'tool_choice',
        },
      );
    }
    return toTool(named, true);
  }
  if (choice === 'auto' && request.messages.at(-1)?.role === 'tool') return undefined;
  return toTool(tools[0]!, false);
}

function messageText(message: OpenaiMessage): string {
  const content = message.content;
  let text = typeof content === 'string' ? content : Array.isArray(content) ? partsText(content) : '';
  for (const call of message.tool_calls ?? []) text += `${call.function.name}(${call.function.arguments})`;
  return text;
}

function partsText(parts: { type: string; text?: string }[]): string {
  return parts
    .map((part) => part.text ?? '')
    .filter(Boolean)
    .join('\n');
}

function lastUserMessage(messages: OpenaiMessage[], texts: string[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    if (messages[index]!.role === 'user') return texts[index]!;
  }
  return texts.at(-1) ?? '';
}

/** The schema and tool definitions are part of the prompt a provider bills. */
function schemaText(request: OpenaiChatRequest): string {
  const parts: unknown[] = [];
  if (request.response_format?.type === 'json_schema') parts.push(request.response_format);
  if (request.tools) parts.push(request.tools);
  return parts.length > 0 ? JSON.stringify(parts) : '';
}

function openaiUsage(inputTokens: number, outputTokens: number, cachedTokens = 0) {
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Default vector sizes of OpenAI's embedding models; anything else gets 1536. */
function defaultDimensions(model: string): number {
  return model.includes('3-large') ? 3072 : 1536;
}

/** POST /v1/embeddings. */
export function handleOpenaiEmbeddings(body: unknown, _context: ModelRequestContext): ModelResponse {
  const request = parseRequestBody(openaiEmbeddingRequestSchema, body);
  const input = request.input;
  const texts: string[] =
    typeof input === 'string'
      ? [input]
      : input.map((item) =>
          typeof item === 'string' ? item : Array.isArray(item) ? item.join(' ') : String(item),
        );
  const inputs = typeof input !== 'string' && typeof input[0] === 'number' ? [texts.join(' ')] : texts;
  if (inputs.some((text) => text === '')) {
    throw new ProviderHttpError(400, "'$.input' is invalid: empty strings cannot be embedded.", {
      param: 'input',
    });
  }
  const dimensions = request.dimensions ?? defaultDimensions(request.model);
  const base64 = request.encoding_format === 'base64';
  let inputTokens = 0;
  const data = inputs.map((text, index) => {
    inputTokens += countTextTokens(text);
    const vector = embedText(text, dimensions);
    const embedding = base64 ? encodeEmbeddingBase64(vector) : Array.from(vector, roundComponent);
    return { object: 'embedding', index, embedding };
  });
  return {
    body: {
      object: 'list',
      data,
      model: request.model,
      usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
    },
    inputTokens,
    outputTokens: 0,
  };
}

function roundComponent(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

/** POST /v1/moderations. */
export function handleOpenaiModerations(body: unknown, context: ModelRequestContext): ModelResponse {
  const request = parseRequestBody(openaiModerationRequestSchema, body);
  const input = request.input;
  const texts: string[] =
    typeof input === 'string'
      ? [input]
      : input.every((item) => typeof item === 'string')
        ? (input as string[])
        : [partsText(input as { type: string; text?: string }[])];
  let inputTokens = 0;
  const results = texts.map((text) => {
    inputTokens += countTextTokens(text);
    const outcome = moderateText(text);
    return {
      flagged: outcome.flagged,
      categories: outcome.categories,
      category_scores: outcome.scores,
      category_applied_input_types: Object.fromEntries(
        MODERATION_CATEGORIES.map((category) => [category, ['text']]),
      ),
    };
  });
  return {
    body: { id: `modr-${context.requestId}`, model: request.model ?? 'omni-moderation-latest', results },
    inputTokens,
    outputTokens: 0,
  };
}

/** GET /v1/models: the names the simulator suggests (it answers to any model name). */
export function listOpenaiModels(now: number): object {
  return {
    object: 'list',
    data: SIMULATED_MODELS.map((id) => ({ id, object: 'model', created: now, owned_by: 'parley-simulator' })),
  };
}

export const SIMULATED_MODELS = [
  'parley-simulator',
  'gpt-4o-mini',
  'gpt-4o',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'omni-moderation-latest',
  'claude-sonnet-4-6',
  'claude-haiku-4-5',
];
