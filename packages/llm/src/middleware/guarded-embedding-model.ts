import type { CallContext, EmbeddingModel, EmbeddingResult } from '../language-model';
import type { TransportOptions } from '../language-model-adapter';
import { countTextTokens } from '../token-count';
import type { ModelCallRunner } from './model-call-runner';

/** An embedding adapter that takes the middleware's transport options. */
export interface EmbeddingModelAdapter extends EmbeddingModel {
  embed(texts: string[], context?: CallContext & TransportOptions): Promise<EmbeddingResult>;
}

/** An `EmbeddingModel` behind budget → limiter → retries → adapter → accounting. */
export class GuardedEmbeddingModel implements EmbeddingModel {
  readonly provider: string;
  readonly modelId: string;

  constructor(
    private readonly adapter: EmbeddingModelAdapter,
    private readonly runner: ModelCallRunner,
  ) {
    this.provider = adapter.provider;
    this.modelId = adapter.modelId;
  }

  async embed(texts: string[], context: CallContext = {}): Promise<EmbeddingResult> {
    if (texts.length === 0) return { embeddings: [], usage: { inputTokens: 0, outputTokens: 0 } };
    const { value } = await this.runner.run({
      stage: context.stage,
      runId: context.runId,
      signal: context.signal,
      estimate: { inputTokens: texts.reduce((sum, text) => sum + countTextTokens(text), 0), outputTokens: 0 },
      execute: async ({ attempt, timeoutMs, signal }) => {
        const result = await this.adapter.embed(texts, { ...context, signal, timeoutMs, attempt });
        return { value: result, usage: result.usage };
      },
    });
    return value;
  }
}
