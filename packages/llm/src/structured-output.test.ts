import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { judgeStructuredAnswer, parseStructuredOutput, repairMessages } from './structured-output';

const schema = z.object({ score: z.number().int().min(1).max(5), reason: z.string() });

describe('parseStructuredOutput', () => {
  it('accepts valid JSON, and JSON in one Markdown fence', () => {
    expect(parseStructuredOutput('{"score":3,"reason":"ok"}', schema)).toEqual({
      success: true,
      object: { score: 3, reason: 'ok' },
    });
    expect(parseStructuredOutput('```json\n{"score":4,"reason":"fine"}\n```', schema)).toMatchObject({
      success: true,
      object: { score: 4 },
    });
  });

  it('says why an answer is rejected', () => {
    const broken = parseStructuredOutput('{"score":3,"reason":"ok"', schema);
    expect(broken.success).toBe(false);
    expect(!broken.success && broken.reason).toMatch(/^not valid JSON/);
    const invalid = parseStructuredOutput('{"score":9}', schema);
    expect(!invalid.success && invalid.reason).toMatch(/^does not match the schema \(score: .*; reason: /);
  });
});

describe('repairMessages', () => {
  it('appends the rejected answer and the reason', () => {
    const messages = repairMessages(
      [{ role: 'user', content: 'Rate it.' }],
      '{"score":9}',
      'is wrong',
      'rating',
    );
    expect(messages).toHaveLength(3);
    expect(messages[1]).toEqual({ role: 'assistant', content: '{"score":9}' });
    expect(messages[2]?.content).toContain('"rating"');
  });
});

describe('judgeStructuredAnswer', () => {
  const valid = '{"score":3,"reason":"ok"}';
  const stop = { unified: 'stop' as const, raw: 'stop' };

  it('never accepts a refusal or a content filter, even with valid JSON beside it', () => {
    expect(judgeStructuredAnswer({ text: valid, finishReason: stop, refusal: 'No.' }, schema)).toEqual({
      success: false,
      outcome: 'refused',
      reason: '"No."',
    });
    expect(judgeStructuredAnswer({ text: '', finishReason: stop, refusal: '' }, schema)).toMatchObject({
      outcome: 'refused',
      reason: 'no refusal text given',
    });
    const filtered = { unified: 'content-filter' as const, raw: 'content_filter' };
    expect(judgeStructuredAnswer({ text: valid, finishReason: filtered }, schema)).toEqual({
      success: false,
      outcome: 'content-filtered',
      reason: 'finish reason content_filter',
    });
  });

  it('calls a cut answer truncated, naming the limit, and accepts a complete one at the limit', () => {
    const length = { unified: 'length' as const, raw: 'max_tokens' };
    expect(judgeStructuredAnswer({ text: '{"score":3,"rea', finishReason: length }, schema, 64)).toEqual({
      success: false,
      outcome: 'truncated',
      reason: 'cut at 64 output tokens (finish reason max_tokens)',
    });
    expect(judgeStructuredAnswer({ text: valid, finishReason: length }, schema, 64)).toMatchObject({
      success: true,
    });
    expect(judgeStructuredAnswer({ text: '{"score":9}', finishReason: stop }, schema)).toMatchObject({
      outcome: 'unparseable',
    });
  });
});

describe('repairMessages with an empty answer', () => {
  it('never sends an empty assistant message', () => {
    const messages = repairMessages([{ role: 'user', content: 'Rate it.' }], '  ', 'is empty', 'rating');
    expect(messages.some((message) => message.role === 'assistant')).toBe(false);
    expect(messages.at(-1)!.content).toMatch(/^Your previous answer was empty\. Reply again/);
  });
});
