import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { SeededRandom } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractPromptFacts } from './prompt-facts';
import { generateFromSchema, type JsonSchema, SchemaError } from './schema-value-generator';
import { createBuiltInCorpus } from './text-corpus';
import { TextWriter } from './text-writer';

const corpus = createBuiltInCorpus();
const PROFILES = [
  'Write a conversation between these two people.',
  '',
  'User 1 Profile:',
  '- I have a turtle named Timothy.',
  '- I love to dance at the club.',
  '- I run a dog obedience school.',
  '',
  'User 2 Profile:',
  '- My favorite sport is ultimate frisbee.',
  '- I am a nurse.',
  '- Autumn is my favorite season.',
].join('\n');

function generate(schema: JsonSchema, seed: number, prompt = '', verdictPassRate = 0.8): unknown {
  const writer = new TextWriter(corpus, new SeededRandom(seed), extractPromptFacts(prompt));
  return generateFromSchema(schema, { writer, verdictPassRate });
}

/** Generates from the JSON Schema of a zod schema and checks the zod schema accepts it. */
function expectValid<T extends z.ZodType>(schema: T, seeds = 50, prompt = ''): z.infer<T>[] {
  const jsonSchema = z.toJSONSchema(schema) as JsonSchema;
  return Array.from({ length: seeds }, (_, seed) => {
    const value = generate(jsonSchema, seed, prompt);
    const result = schema.safeParse(value);
    if (!result.success) throw new Error(`seed ${seed}: ${JSON.stringify(value)}\n${result.error.message}`);
    return result.data;
  });
}

describe('generateFromSchema', () => {
  it('satisfies objects, arrays, enums, const, bounds, formats and nullable fields', () => {
    const schema = z.object({
      id: z.uuid(),
      kind: z.literal('verdict'),
      label: z.enum(['alpha', 'beta', 'gamma']),
      count: z.number().int().min(3).max(7),
      ratio: z.number().gt(0).lt(1),
      step: z.number().multipleOf(0.5).min(1).max(4),
      tags: z.array(z.string().min(2).max(10)).min(2).max(4),
      unique: z
        .array(z.enum(['a', 'b', 'c', 'd']))
        .min(2)
        .max(3),
      email: z.email(),
      when: z.iso.datetime(),
      day: z.iso.date(),
      site: z.url(),
      code: z.string().regex(/^[A-Z]{3}-\d{4}$/),
      maybe: z.string().nullable(),
      optional: z.boolean().optional(),
      nested: z.object({ deep: z.array(z.object({ value: z.number().nonnegative() })).length(2) }),
      choice: z.union([
        z.object({ kind: z.literal('a'), a: z.string() }),
        z.object({ kind: z.literal('b'), b: z.number() }),
      ]),
      record: z.record(z.string(), z.number()),
      pair: z.tuple([z.string(), z.number().int().min(2).max(2)]),
      rest: z.tuple([z.boolean()], z.literal('x')),
    });
    expectValid(schema);
    // The draft-7 form the OpenAI SDK sends: tuples as an `items` array.
    const draft7 = z.toJSONSchema(schema, { target: 'draft-7' }) as JsonSchema;
    for (let seed = 0; seed < 20; seed++) expect(schema.safeParse(generate(draft7, seed)).success).toBe(true);
  });

  it('follows $ref and $defs, including recursive schemas', () => {
    const turn = z.object({ speaker: z.enum(['user1', 'user2']).nullable(), text: z.string() });
    const schema = z.object({ first: turn, second: turn, all: z.array(turn).min(1) });
    const jsonSchema = z.toJSONSchema(schema, { reused: 'ref' }) as Record<string, unknown>;
    expect(JSON.stringify(jsonSchema)).toContain('$ref');
    for (let seed = 0; seed < 20; seed++)
      expect(schema.safeParse(generate(jsonSchema, seed)).success).toBe(true);

    interface Node {
      name: string;
      children: Node[];
    }
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node) }));
    expectValid(node, 20);
  });

  it('follows draft-7 `definitions` references as the OpenAI SDK sends them', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { pair: { $ref: '#/definitions/Pair' } },
      required: ['pair'],
      definitions: {
        Pair: {
          type: 'object',
          properties: {
            left: { type: 'string' },
            right: { type: ['integer', 'null'], minimum: 5, maximum: 5 },
          },
          required: ['left', 'right'],
        },
      },
    };
    const value = generate(schema, 1) as { pair: { left: string; right: number | null } };
    expect(typeof value.pair.left).toBe('string');
    expect(value.pair.right).toBe(5);
  });

  it('restores the constraints the Anthropic SDK moves into descriptions', () => {
    const schema = z.object({
      turns: z
        .array(z.object({ speaker: z.enum(['user1', 'user2']), text: z.string() }))
        .min(6)
        .max(8),
      score: z.number().int().min(1).max(5),
      words: z.array(z.string().max(5)).max(2),
    });
    const format = zodOutputFormat(schema);
    // The SDK's own transform really did move them: the API only sees a description.
    expect(JSON.stringify(format.schema)).toContain('minItems: 6');
    for (let seed = 0; seed < 30; seed++) {
      const value = generate(format.schema as JsonSchema, seed, PROFILES);
      expect(() => format.parse(JSON.stringify(value))).not.toThrow();
    }
  });

  it('writes a conversation between the two profiles for a `turns` array', () => {
    const schema = z.object({
      turns: z
        .array(z.object({ speaker: z.enum(['user1', 'user2']).nullable(), text: z.string().min(1) }))
        .min(6)
        .max(9),
    });
    const values = expectValid(schema, 30, PROFILES);
    // Facts are reworded, never pasted whole (a word goes into the middle of each): look for
    // the parts a rewording keeps.
    const user1Facts = ['turtle named Timothy', 'at the club', 'dog obedience school'];
    const user2Facts = ['ultimate frisbee', 'nurse', 'Autumn is my'];
    let mentions = 0;
    for (const { turns } of values) {
      for (const [index, turn] of turns.entries())
        expect(turn.speaker).toBe(index % 2 === 0 ? 'user1' : 'user2');
      for (const turn of turns) {
        const own = turn.speaker === 'user1' ? user1Facts : user2Facts;
        const other = turn.speaker === 'user1' ? user2Facts : user1Facts;
        if (own.some((fact) => turn.text.toLowerCase().includes(fact.toLowerCase()))) mentions++;
        // A speaker never claims the other profile's facts.
        expect(other.some((fact) => turn.text.includes(fact))).toBe(false);
      }
    }
    expect(mentions).toBeGreaterThan(values.length * 2);
  });

  it('answers verdict booleans favourably with the pass rate', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        passed: { type: 'boolean' },
        toxic: { type: 'boolean' },
        contradicts: { type: 'boolean' },
      },
      required: ['passed', 'toxic', 'contradicts'],
    };
    const runs = Array.from({ length: 1000 }, (_, seed) => generate(schema, seed, '', 0.8)) as Record<
      string,
      boolean
    >[];
    const passed = runs.filter((run) => run['passed']).length;
    const toxic = runs.filter((run) => run['toxic']).length;
    const contradicts = runs.filter((run) => run['contradicts']).length;
    expect(passed).toBeGreaterThan(740);
    expect(passed).toBeLessThan(860);
    expect(toxic).toBeGreaterThan(140);
    expect(toxic).toBeLessThan(260);
    expect(contradicts).toBeLessThan(260);
    const strict = Array.from({ length: 50 }, (_, seed) => generate(schema, seed, '', 1)) as Record<
      string,
      boolean
    >[];
    expect(strict.every((run) => run['passed'] && !run['toxic'] && !run['contradicts'])).toBe(true);
  });

  it('writes questions, persona sentences, rationales and negations by field name', () => {
    const prompt =
      'Attributes:\n- I have a dog.\n- I walk my cat every day.\n- My parrot talks.\nWhat question do they answer?';
    const schema = z.object({
      question: z.string(),
      attribute: z.string(),
      rationale: z.string(),
      negation: z.string(),
      preferred: z.enum(['A', 'B']),
    });
    const values = expectValid(schema, 40, prompt);
    for (const value of values) {
      expect(value.question.endsWith('?')).toBe(true);
      expect(value.attribute).toMatch(/^(I|My)\b/);
      expect(value.rationale.length).toBeGreaterThan(10);
    }
    expect(values[0]!.negation).toMatch(/not/);
    // Pets are recognised in the attributes: the question is about pets.
    expect(values.filter((value) => /pet|animal/i.test(value.question)).length).toBeGreaterThan(30);
    const winners = new Set(values.map((value) => value.preferred));
    expect(winners).toEqual(new Set(['A', 'B']));
  });

  it('is deterministic for a seed and varies across seeds', () => {
    const schema = z.toJSONSchema(
      z.object({ text: z.string(), score: z.number().min(0).max(10) }),
    ) as JsonSchema;
    expect(generate(schema, 7)).toEqual(generate(schema, 7));
    expect(generate(schema, 7)).not.toEqual(generate(schema, 8));
  });

  it('reports unresolvable references', () => {
    expect(() => generate({ $ref: '#/$defs/Missing' }, 1)).toThrow(SchemaError);
    expect(() => generate({ $ref: '#/$defs/Missing' }, 1)).toThrow(/points at nothing/);
  });
});
