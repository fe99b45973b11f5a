import { mixHashes, SeededRandom } from '@parley/core';
import {
  type AnthropicMessage,
  type AnthropicMessagesRequest,
  anthropicMessagesRequestSchema,
} from './anthropic-request-schemas';
import { type AnswerFormat, corruptJson, runawayText, writeAnswer } from './chat-answer';
import {
  type AnswerShape,
  type ModelRequestContext,
  type ModelResponse,
  SIMULATED_REFUSAL,
} from './model-request-context';

const PLAIN: AnswerShape = { kind: 'plain', promptCache: false };

import { parseRequestBody } from './parse-request-body';
import { ProviderHttpError } from './provider-errors';
import type { JsonSchema } from './schema-value-generator';
import { countPromptTokens, countTextTokens, truncateToTokens } from './token-count';

/** POST /v1/messages: plain text, `output_config.format` structured output, or tool use. */
export function handleAnthropicMessages(body: unknown, context: ModelRequestContext): ModelResponse {
  const request = parseRequestBody(anthropicMessagesRequestSchema, body);
  const tool = chosenTool(request);
  const outputFormat = request.output_config?.format ?? request.output_format ?? undefined;
  const format: AnswerFormat = tool
    ? { kind: 'json-schema', schema: tool.schema }
    : outputFormat
      ? { kind: 'json-schema', schema: outputFormat.schema }
      : { kind: 'text' };
  const system = typeof request.system === 'string' ? request.system : blocksText(request.system ?? []);
  const texts = [system, ...request.messages.map((message) => contentText(message.content))].filter(Boolean);
  const extra = JSON.stringify([outputFormat ?? null, request.tools ?? null]);
  const inputTokens = countPromptTokens(texts, extra);
  const lastUserText = lastUserMessage(request.messages);
  const lastAnswer = request.messages.findLastIndex((message) => message.role === 'assistant');
  const userText = request.messages
    .filter((message, index) => index > lastAnswer && message.role === 'user')
    .map((message) => contentText(message.content))
    .join('\n\n');

  const answer = writeAnswer({
    lastUserText,
    userText,
    format,
    corpus: context.corpus,
    seed: context.seed,
    requestHash: context.requestHash,
    choiceIndex: 0,
    verdictPassRate: context.verdictPassRate,
    quality: context.quality,
  });
  const full = 'text' in answer ? answer.text : JSON.stringify(answer.value);
  const cut = countTextTokens(full) > request.max_tokens;
  const text = cut ? truncateToTokens(full, request.max_tokens) : full;
  const outputTokens = countTextTokens(text);
  const id = `msg_sim${context.requestId}`;

  const build = (
    content: string,
    toolInput: unknown,
    shape: AnswerShape = PLAIN,
    outputTokensNow = outputTokens,
  ): AnthropicMessageShape => {
    // Anthropic has no content filter finish reason: its classifiers answer `refusal`, which
    // the `contentFilter` fault also sends (with the complete answer beside it).
    const refused = shape.kind !== 'plain' && shape.kind !== 'truncated';
    const stopReason = refused
      ? 'refusal'
      : cut || shape.kind === 'truncated'
        ? 'max_tokens'
        : tool
          ? 'tool_use'
          : 'end_turn';
    const block = tool
      ? {
          type: 'tool_use',
          id: `toolu_sim${context.requestId}`,
          name: tool.name,
          input: toolInput,
          caller: { type: 'direct' },
        }
      : { type: 'text', text: content, citations: null };
    // A refusal may come with no content at all.
    const blocks = shape.kind === 'refusal' ? [] : [block];
    const read = shape.promptCache ? Math.floor(inputTokens / 2) : 0;
    const written = shape.promptCache ? Math.floor(inputTokens / 4) : 0;
    return {
      id,
      type: 'message',
      role: 'assistant',
      model: request.model,
      content: blocks,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: refused ? { type: 'refusal', category: null, explanation: SIMULATED_REFUSAL } : null,
      container: null,
      diagnostics: null,
      usage: {
        // input_tokens excludes what was read from or written to the prompt cache.
        input_tokens: inputTokens - read - written,
        output_tokens: outputTokensNow,
        cache_creation_input_tokens: written,
        cache_read_input_tokens: read,
        cache_creation: null,
        inference_geo: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        speed: null,
      },
    };
  };

  // A tool call cut by max_tokens carries what parsed so far; the simulator keeps it simple: {}.
  const toolInput = tool ? (cut ? {} : (answer as { value: unknown }).value) : undefined;
  const response: ModelResponse = { body: build(text, toolInput), inputTokens, outputTokens };
  if (format.kind !== 'text') {
    response.malformed = () => {
      const random = new SeededRandom(mixHashes(context.seed, context.requestHash, 0x6d616c));
      // Tool input must stay an object on the wire; broken means it misses its required fields.
      return tool ? build(text, {}) : build(corruptJson(text, random), undefined);
    };
  }
  if (request.stream) response.events = () => messageStreamEvents(build(text, toolInput));
  else if (!tool) {
    response.shaped = (shape) => {
      if (shape.kind === 'truncated') {
        const runaway = runawayText(full, request.max_tokens);
        const tokens = countTextTokens(runaway);
        return { body: build(runaway, undefined, shape, tokens), outputTokens: tokens };
      }
      const tokens = shape.kind === 'refusal' ? 0 : outputTokens;
      return { body: build(text, undefined, shape, tokens), outputTokens: tokens };
    };
  }
  return response;
}

interface AnthropicMessageShape {
  content: Record<string, unknown>[];
  stop_details: unknown;
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number; [field: string]: unknown };
  [field: string]: unknown;
}

/** The SSE sequence of a streamed message: start, one block (one delta), delta with stop reason, stop. */
function messageStreamEvents(full: AnthropicMessageShape): string[] {
  const block = full.content[0]!;
  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const startBlock = block['type'] === 'tool_use' ? { ...block, input: {} } : { ...block, text: '' };
  const delta =
    block['type'] === 'tool_use'
      ? { type: 'input_json_delta', partial_json: JSON.stringify(block['input']) }
      : { type: 'text_delta', text: block['text'] };
  return [
    event('message_start', {
      type: 'message_start',
      message: { ...full, content: [], stop_reason: null, usage: { ...full.usage, output_tokens: 1 } },
    }),
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: startBlock }),
    event('content_block_delta', { type: 'content_block_delta', index: 0, delta }),
    event('content_block_stop', { type: 'content_block_stop', index: 0 }),
    event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: full.stop_reason, stop_sequence: null },
      usage: { output_tokens: full.usage.output_tokens },
    }),
    event('message_stop', { type: 'message_stop' }),
  ];
}

function chosenTool(request: AnthropicMessagesRequest): { name: string; schema: JsonSchema } | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? { type: tools.length > 0 ? 'auto' : 'none' };
  if (tools.length === 0 || choice.type === 'none') return undefined;
  const toTool = (tool: (typeof tools)[number]) => ({
    name: tool.name,
    schema: (tool.input_schema ?? { type: 'object', properties: {} }) as JsonSchema,
  });
  if (choice.type === 'tool') {
    const name = (choice as { name: string }).name;
    const named = tools.find((tool) => tool.name === name);
    if (!named) throw new ProviderHttpError(400, `tool_choice: tool '${name}' not found in tools`);
    return toTool(named);
  }
  if (choice.type === 'auto' && endsWithToolResult(request.messages)) return undefined;
  return toTool(tools[0]!);
}

function endsWithToolResult(messages: AnthropicMessage[]): boolean {
  const last = messages.at(-1);
  return (
    last !== undefined &&
    Array.isArray(last.content) &&
    last.content.some((block) => block.type === 'tool_result')
  );
}

function contentText(content: AnthropicMessage['content']): string {
  return typeof content === 'string' ? content : blocksText(content);
}

function blocksText(blocks: { type: string; [key: string]: unknown }[]): string {
  return blocks
    .map((block) => {
      if (typeof block['text'] === 'string') return block['text'];
      if (block.type === 'tool_use') return JSON.stringify(block['input'] ?? {});
      if (block.type === 'tool_result') {
        const inner = block['content'];
        return typeof inner === 'string' ? inner : Array.isArray(inner) ? blocksText(inner) : '';
      }
      return '';
    })
    .filter(Boolean)
    .join('\n');
}

function lastUserMessage(messages: AnthropicMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === 'user') return contentText(message.content);
  }
  return '';
}

/** POST /v1/messages/count_tokens, with the same approximation as the usage of a message. */
export function countAnthropicTokens(body: unknown): object {
  const request = parseRequestBody(anthropicMessagesRequestSchema.omit({ max_tokens: true }), body);
  const system = typeof request.system === 'string' ? request.system : blocksText(request.system ?? []);
  const texts = [system, ...request.messages.map((message) => contentText(message.content))].filter(Boolean);
  const extra = JSON.stringify([
    request.output_config?.format ?? request.output_format ?? null,
    request.tools ?? null,
  ]);
  return { input_tokens: countPromptTokens(texts, extra) };
}
