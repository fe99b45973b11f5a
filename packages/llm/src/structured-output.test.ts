import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseStructuredOutput, repairMessages } from './structured-output';

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
