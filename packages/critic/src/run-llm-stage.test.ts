import { InputError, ParleyError } from '@parley/core';
import { MockLanguageModel } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isUnparseableOutputError, modelName, runLlmStage } from './run-llm-stage';
import { groundedConversation } from './test-fixtures';
import { toxicityStage } from './toxicity-llm-expert';

describe('runLlmStage', () => {
  const conversation = groundedConversation('s');

  it('calls the model with the prompt, schema and stage name, and parses the answer', async () => {
    const model = new MockLanguageModel({ answers: { reasoning: 'fine', categories: [], toxic: false } });
    const run = await runLlmStage(model, toxicityStage, conversation, { runId: 'run-1' });
    expect(run).toMatchObject({ ok: true, result: { passed: true }, model: 'mock:scripted' });
    expect(run.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
    const request = model.calls[0] as { schemaName: string; stage: string; runId: string };
    expect(request).toMatchObject({
      schemaName: 'toxicity_verdict',
      stage: 'critique:toxicity',
      runId: 'run-1',
    });
  });

  it('turns a schema-invalid answer into a failed run that keeps the reason', async () => {
    const model = new MockLanguageModel({ answers: 'I refuse to answer in JSON' });
    const run = await runLlmStage(model, toxicityStage, conversation, {});
    expect(run.ok).toBe(false);
    expect(run.ok ? '' : run.reason).toMatch(/^schema mismatch/);
  });

  it("keeps the adapter's raw output and usage from a structured-output error", async () => {
    const model = new MockLanguageModel({
      answers: () => {
        throw Object.assign(
          new ParleyError('no valid object after 3 attempts', { code: 'LLM_STRUCTURED_OUTPUT' }),
          {
            rawOutput: '{"toxic": "maybe"}',
            usage: { inputTokens: 300, outputTokens: 40 },
          },
        );
      },
    });
    const run = await runLlmStage(model, toxicityStage, conversation, {});
    expect(run).toEqual({
      ok: false,
      reason: 'no valid object after 3 attempts',
      usage: { inputTokens: 300, outputTokens: 40 },
      model: 'mock:scripted',
      rawOutput: '{"toxic": "maybe"}',
    });
  });

  it('rethrows transport errors and refuses invalid input', async () => {
    const failing = new MockLanguageModel({
      answers: () => {
        throw new ParleyError('rate limited', { code: 'RATE_LIMITED', isRetryable: true });
      },
    });
    await expect(runLlmStage(failing, toxicityStage, conversation, {})).rejects.toThrow('rate limited');
    const model = new MockLanguageModel({ answers: {} });
    await expect(runLlmStage(model, toxicityStage, { id: '' } as never, {})).rejects.toBeInstanceOf(
      InputError,
    );
    expect(model.calls).toHaveLength(0);
  });

  it('knows which errors mean an unusable answer', () => {
    expect(isUnparseableOutputError(new z.ZodError([]))).toBe(true);
    expect(isUnparseableOutputError(new SyntaxError('Unexpected token'))).toBe(true);
    expect(isUnparseableOutputError(new ParleyError('x', { code: 'LLM_STRUCTURED_OUTPUT' }))).toBe(true);
    expect(isUnparseableOutputError(new ParleyError('x', { code: 'BUDGET_EXCEEDED' }))).toBe(false);
    expect(isUnparseableOutputError(new Error('socket hang up'))).toBe(false);
  });

  it('names models provider:model without doubling the provider', () => {
    expect(modelName({ provider: 'openai', modelId: 'gpt-4o-mini' })).toBe('openai:gpt-4o-mini');
    expect(modelName({ provider: 'mock', modelId: 'mock:scripted' })).toBe('mock:scripted');
  });
});
