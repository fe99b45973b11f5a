import type OpenAI from 'openai';
import type { CallContext, EmbeddingModel, EmbeddingResult } from '../language-model';
import type { TransportOptions } from '../language-model-adapter';
import { countTextTokens } from '../token-count';
import { describeResponseIssues, invalidResponseError } from '../vendor-error';
import { createOpenAIClient } from './openai-client';
import { openAIEmbeddingResponseSchema } from './openai-response-schemas';
import { sendOpenAIRequest } from './send-openai-request';

export interface OpenAIEmbeddingModelSettings {
  /** @defaultValue 'openai' */
  provider?: 'openai' | 'openai-compatible' | 'simulator';
  /** `text-embedding-3-small`, `nomic-embed-text`, ... */
  model: string;
  /** @defaultValue 'https://api.openai.com/v1' */
  baseURL?: string;
  apiKey?: string;
  /** @defaultValue 60000 */
  timeoutMs?: number;
  client?: OpenAI;
}

/** `/v1/embeddings` of OpenAI or any compatible server. One attempt; the middleware retries. */
export class OpenAIEmbeddingModel implements EmbeddingModel {
  readonly provider: 'openai' | 'openai-compatible' | 'simulator';
  readonly modelId: string;
  readonly baseURL: string;
  private readonly model: string;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;

  constructor(settings: OpenAIEmbeddingModelSettings) {
    this.provider = settings.provider ?? 'openai';
    this.model = settings.model;
    this.modelId = `${this.provider}:${settings.model}`;
    this.baseURL = settings.baseURL ?? 'https://api.openai.com/v1';
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.client =
      settings.client ??
      createOpenAIClient({ apiKey: settings.apiKey, baseURL: this.baseURL, timeoutMs: this.timeoutMs });
  }

  async embed(texts: string[], context: CallContext & TransportOptions = {}): Promise<EmbeddingResult> {
    if (texts.length === 0) return { embeddings: [], usage: { inputTokens: 0, outputTokens: 0 } };
    const response = await sendOpenAIRequest(
      { provider: this.provider, modelId: this.modelId, timeoutMs: this.timeoutMs },
      context,
      (requestOptions) =>
        this.client.embeddings.create(
          // The SDK asks for base64 unless told otherwise; not every compatible server speaks it.
          { model: this.model, input: texts, encoding_format: 'float' },
          requestOptions,
        ),
    );
    const parsed = openAIEmbeddingResponseSchema.safeParse(response);
    if (!parsed.success) throw invalidResponseError(this, describeResponseIssues(parsed.error));
    if (parsed.data.data.length !== texts.length) {
      throw invalidResponseError(this, `${parsed.data.data.length} embeddings for ${texts.length} texts`);
    }
    const embeddings = [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    const reported = parsed.data.usage?.prompt_tokens;
    const inputTokens = reported ?? texts.reduce((sum, text) => sum + countTextTokens(text), 0);
    return { embeddings, usage: { inputTokens, outputTokens: 0 } };
  }
}
