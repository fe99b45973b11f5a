import type { TokenUsage } from '@parley/core';
import type { LanguageModel, ObjectRequest, ObjectResult, TextRequest, TextResult } from './language-model';

/** What a scripted model answers: a value, or a function of the request (may throw). */
export type MockAnswer = unknown | ((request: TextRequest | ObjectRequest<unknown>) => unknown);

/**
 * A scripted model for tests: answers from a list in order (the last repeats) or from a
 * function, records every call. `generateObject` validates the scripted answer with the
 * request's schema, as a real adapter would, so a garbage answer throws.
 */
export class MockLanguageModel implements LanguageModel {
  readonly provider = 'mock';
  readonly modelId: string;
  readonly calls: Array<TextRequest | ObjectRequest<unknown>> = [];
  private readonly answers: MockAnswer[];
  private readonly usage: TokenUsage;

  constructor(options: { answers: MockAnswer | MockAnswer[]; modelId?: string; usage?: TokenUsage }) {
    this.answers = Array.isArray(options.answers) ? options.answers : [options.answers];
    this.modelId = options.modelId ?? 'mock:scripted';
    this.usage = options.usage ?? { inputTokens: 10, outputTokens: 5 };
  }

  async generateText(request: TextRequest): Promise<TextResult> {
    const answer = this.next(request);
    return this.result(typeof answer === 'string' ? answer : JSON.stringify(answer));
  }

  async generateObject<T>(request: ObjectRequest<T>): Promise<ObjectResult<T>> {
    const answer = this.next(request as ObjectRequest<unknown>);
    const parsed = typeof answer === 'string' ? safeJson(answer) : answer;
    const object = request.schema.parse(parsed);
    return { ...this.result(JSON.stringify(answer)), object };
  }

  private next(request: TextRequest | ObjectRequest<unknown>): unknown {
    this.calls.push(request);
    const index = Math.min(this.calls.length - 1, this.answers.length - 1);
    const answer = this.answers[index];
    return typeof answer === 'function' ? (answer as (r: typeof request) => unknown)(request) : answer;
  }

  private result(text: string): TextResult {
    return {
      text,
      usage: { ...this.usage },
      finishReason: { unified: 'stop', raw: 'stop' },
      modelId: this.modelId,
      cached: false,
      warnings: [],
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
