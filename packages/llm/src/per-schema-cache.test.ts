import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cachePerSchema } from './per-schema-cache';

describe('cachePerSchema', () => {
  it('converts each schema object once per name', () => {
    const calls: string[] = [];
    const convert = cachePerSchema((schema, name) => {
      calls.push(name);
      return { name, json: z.toJSONSchema(schema) };
    });
    const a = z.object({ x: z.string() });
    const b = z.object({ x: z.string() });
    const first = convert(a, 'answer');
    expect(convert(a, 'answer')).toBe(first);
    expect(convert(a, 'other')).not.toBe(first);
    expect(convert(b, 'answer')).not.toBe(first);
    expect(convert(b, 'answer').json).toEqual(first.json);
    expect(calls).toEqual(['answer', 'other', 'answer']);
  });
});
