import type { CallContext, ModerationModel, ModerationVerdict } from '../language-model';
import type { TransportOptions } from '../language-model-adapter';
import { countTextTokens } from '../token-count';
import type { ModelCallRunner } from './model-call-runner';

/** A moderation adapter that takes the middleware's transport options. */
export interface ModerationModelAdapter extends ModerationModel {
  moderate(texts: string[], context?: CallContext & TransportOptions): Promise<ModerationVerdict[]>;
}

/**
 * A `ModerationModel` behind budget → limiter → retries → adapter → accounting. Moderation
 * endpoints report no usage; the input is counted locally so token limits still apply.
 */
export class GuardedModerationModel implements ModerationModel {
  readonly provider: string;
  readonly modelId: string;

  constructor(
    private readonly adapter: ModerationModelAdapter,
    private readonly runner: ModelCallRunner,
  ) {
    this.provider = adapter.provider;
    this.modelId = adapter.modelId;
  }

  async moderate(texts: string[], context: CallContext = {}): Promise<ModerationVerdict[]> {
    if (texts.length === 0) return [];
    const usage = {
      inputTokens: texts.reduce((sum, text) => sum + countTextTokens(text), 0),
      outputTokens: 0,
    };
    const { value } = await this.runner.run({
      stage: context.stage,
      runId: context.runId,
      signal: context.signal,
      estimate: usage,
      execute: async ({ attempt, timeoutMs, signal }) => ({
        value: await this.adapter.moderate(texts, { ...context, signal, timeoutMs, attempt }),
        usage,
      }),
    });
    return value;
  }
}
