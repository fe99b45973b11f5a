import type OpenAI from 'openai';
import type { CallContext, ModerationModel, ModerationVerdict } from '../language-model';
import type { TransportOptions } from '../language-model-adapter';
import { describeResponseIssues, invalidResponseError } from '../vendor-error';
import { createOpenAIClient } from './openai-client';
import { openAIModerationResponseSchema } from './openai-response-schemas';
import { sendOpenAIRequest } from './send-openai-request';

export interface OpenAIModerationModelSettings {
  /** @defaultValue 'openai' */
  provider?: 'openai' | 'openai-compatible' | 'simulator';
  /** @defaultValue 'omni-moderation-latest' */
  model?: string;
  /** @defaultValue 'https://api.openai.com/v1' */
  baseURL?: string;
  apiKey?: string;
  /** @defaultValue 60000 */
  timeoutMs?: number;
  client?: OpenAI;
}

/** `/v1/moderations`: one verdict per text, category scores in [0, 1]. One attempt; the middleware retries. */
export class OpenAIModerationModel implements ModerationModel {
  readonly provider: 'openai' | 'openai-compatible' | 'simulator';
  readonly modelId: string;
  readonly baseURL: string;
  private readonly model: string;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;

  constructor(settings: OpenAIModerationModelSettings) {
    this.provider = settings.provider ?? 'openai';
    this.model = settings.model ?? 'omni-moderation-latest';
    this.modelId = `${this.provider}:${this.model}`;
    this.baseURL = settings.baseURL ?? 'https://api.openai.com/v1';
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.client =
      settings.client ??
      createOpenAIClient({ apiKey: settings.apiKey, baseURL: this.baseURL, timeoutMs: this.timeoutMs });
  }

  async moderate(
    texts: string[],
    context: CallContext & TransportOptions = {},
  ): Promise<ModerationVerdict[]> {
    if (texts.length === 0) return [];
    const response = await sendOpenAIRequest(
      { provider: this.provider, modelId: this.modelId, timeoutMs: this.timeoutMs },
      context,
      (requestOptions) => this.client.moderations.create({ model: this.model, input: texts }, requestOptions),
    );
    const parsed = openAIModerationResponseSchema.safeParse(response);
    if (!parsed.success) throw invalidResponseError(this, describeResponseIssues(parsed.error));
    if (parsed.data.results.length !== texts.length) {
      throw invalidResponseError(this, `${parsed.data.results.length} results for ${texts.length} texts`);
    }
    return parsed.data.results.map((result) => ({ flagged: result.flagged, scores: result.category_scores }));
  }
}
