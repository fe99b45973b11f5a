import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Conversation,
  type PersonasConfig,
  personaRecordSchema,
  personasConfigSchema,
  profilePairSchema,
  type TokenUsage,
  userProfileSchema,
} from '@parley/core';
import { readSeed } from '@parley/dataset';
import type {
  EmbeddingModel,
  EmbeddingResult,
  LanguageModel,
  ObjectRequest,
  ObjectResult,
  TextResult,
} from '@parley/llm';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SPC_TEST_CSV } from '../../../../test/support/spc-test-split';
import { checkConsistencyStage } from './check-consistency-stage';
import { detectContradiction } from './detect-contradiction';
import { type ExpansionResult, expandPersonas } from './expand-personas';
import { createInProcessChunkRunner, type RunChunk } from './in-process-chunk-runner';
import { OfflineEmbeddingModel } from './offline-embedding-model';
import { personaQueryRecordSchema } from './persona-query';
import { JsonlPersonaStore, type PersonaRecordFile } from './persona-store';
import { collectSeedAttributes } from './seed-attributes';
import { type SparseVector, sparseCosine, toSparseVector } from './sparse-vector';

// Stages 1–3 against the LLM simulator, seeded from the first 150 conversations of the real
// Synthetic-Persona-Chat test split.
//
// The llm package's OpenAI adapter is not exported yet, so this file carries the smallest
// LanguageModel / EmbeddingModel over the official openai SDK that the stages need.
class SimulatorLanguageModel implements LanguageModel {
  readonly provider = 'simulator';
  constructor(
    private readonly client: OpenAI,
    readonly modelId: string,
  ) {}

  async generateText(): Promise<TextResult> {
    throw new Error('stages 1–3 only ask for structured output');
  }

  async generateObject<T>(request: ObjectRequest<T>): Promise<ObjectResult<T>> {
    const completion = await this.client.chat.completions.create({
      model: this.modelId,
      messages: request.messages,
      temperature: request.decoding?.temperature,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: request.schemaName,
          schema: z.toJSONSchema(request.schema) as Record<string, unknown>,
        },
      },
    });
    const choice = completion.choices[0];
    const text = choice?.message.content ?? '';
    return {
      object: request.schema.parse(JSON.parse(text)),
      text,
      usage: usageOf(completion.usage),
      finishReason: {
        unified: choice?.finish_reason === 'stop' ? 'stop' : 'other',
        raw: choice?.finish_reason,
      },
      modelId: `simulator:${this.modelId}`,
      cached: false,
      warnings: [],
    };
  }
}

class SimulatorEmbeddingModel implements EmbeddingModel {
  readonly provider = 'simulator';
  readonly modelId = 'text-embedding-3-small';
  constructor(private readonly client: OpenAI) {}

  async embed(texts: string[]): Promise<EmbeddingResult> {
    const response = await this.client.embeddings.create({
      model: this.modelId,
      input: texts,
      encoding_format: 'float',
    });
    return {
      embeddings: response.data.map((item) => item.embedding),
      usage: { inputTokens: response.usage.prompt_tokens, outputTokens: 0 },
    };
  }
}

function usageOf(usage: { prompt_tokens: number; completion_tokens: number } | undefined): TokenUsage {
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}

const CONFIG: PersonasConfig = personasConfigSchema.parse({
  mode: 'expand',
  clusterThreshold: 0.3,
  queryTarget: 40,
  attributeTarget: 200,
  noveltyThreshold: 0.8,
  profiles: { size: 5, count: 200, redundancyThreshold: 0.9 },
  pairing: { similarityThreshold: 1, maxPairsPerProfile: 3 },
});

describe('expandPersonas against the simulator', () => {
  let simulator: RunningSimulator;
  let client: OpenAI;
  let seedAttributes: string[];
  let folder: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3 });
    client = new OpenAI({ apiKey: 'simulator-key', baseURL: simulator.openaiBaseURL, maxRetries: 0 });
    const { records } = await readSeed(SPC_TEST_CSV, { limit: 150 }).collect();
    seedAttributes = collectSeedAttributes(
      records.map((record: { conversation: Conversation }) => record.conversation),
    );
    folder = await mkdtemp(path.join(tmpdir(), 'parley-expand-'));
  });

  afterAll(async () => {
    await simulator?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
    console.info(`stages 1–3 on the simulator, ms: ${JSON.stringify(timings)}`);
  });

  function run(options: {
    store: JsonlPersonaStore;
    config?: PersonasConfig;
    embeddingModel?: EmbeddingModel;
  }) {
    const model = new SimulatorLanguageModel(client, 'gpt-4o-mini');
    const inner = createInProcessChunkRunner({ models: { personas: model, consistency: model } });
    const calls: string[] = [];
    const runChunk: RunChunk = (stageName, chunkId, input) => {
      calls.push(`${stageName}/${chunkId}`);
      return inner(stageName, chunkId, input);
    };
    const started = performance.now();
    const result = expandPersonas({
      seedAttributes,
      config: options.config ?? CONFIG,
      randomSeed: 1,
      runChunk,
      store: options.store,
      ...(options.embeddingModel ? { embeddingModel: options.embeddingModel } : {}),
    });
    return { calls, result, elapsed: async () => Math.round(performance.now() - started) };
  }

  let first: ExpansionResult;
  let firstCalls: string[];

  it('produces queries, new attributes, profiles and pairs that keep every invariant', async () => {
    const store = new JsonlPersonaStore(path.join(folder, 'run'));
    const { calls, result, elapsed } = run({ store });
    first = await result;
    firstCalls = calls;
    timings.firstRun = await elapsed();
    const { stats } = first;
    expect(seedAttributes.length).toBe(stats.seedAttributes);
    expect(seedAttributes.length).toBeGreaterThan(400);

    // The simulator knows a few dozen distinct questions, so bootstrapping may stall (and stop) short of the target.
    expect(stats.queries.induced).toBeGreaterThan(0);
    expect(stats.queries.bootstrapped).toBeGreaterThan(0);
    expect(first.queries.length).toBeLessThanOrEqual(CONFIG.queryTarget);
    expect(new Set(first.queries.map((query) => query.text.toLowerCase())).size).toBe(first.queries.length);
    expect(first.personas.filter((persona) => persona.source === 'generated')).toHaveLength(
      CONFIG.attributeTarget,
    );

    const embedding = new OfflineEmbeddingModel({ idfDocuments: seedAttributes });
    const vectors = new Map<string, SparseVector>(
      first.personas.map((persona) => [persona.text, embedding.embedSparse(persona.text)]),
    );
    // Every generated attribute was novel against everything that existed before it.
    const generated = first.personas.filter((persona) => persona.source === 'generated');
    const seeds = first.personas.filter((persona) => persona.source === 'seed');
    for (const [index, persona] of generated.entries()) {
      expect(persona.text).toMatch(/^(I|My)\b/);
      const earlier = [...seeds, ...generated.slice(0, index)];
      const closest = Math.max(
        ...earlier.map((other) => sparseCosine(vectors.get(other.text)!, vectors.get(persona.text)!)),
      );
      expect(closest).toBeLessThanOrEqual(CONFIG.noveltyThreshold);
    }

    expect(first.profiles).toHaveLength(CONFIG.profiles.count);
    const sets = new Set<string>();
    for (const profile of first.profiles) {
      expect(profile.attributes).toHaveLength(CONFIG.profiles.size);
      sets.add([...profile.attributes].sort().join('|'));
      for (const [i, a] of profile.attributes.entries()) {
        for (const b of profile.attributes.slice(i + 1)) {
          expect(sparseCosine(vectors.get(a)!, vectors.get(b)!)).toBeLessThanOrEqual(
            CONFIG.profiles.redundancyThreshold,
          );
          expect(detectContradiction(a, b)).toEqual({ contradiction: false });
        }
      }
    }
    expect(sets.size).toBe(first.profiles.length);

    const clusterOf = new Map(first.personas.map((persona) => [persona.text, persona.cluster]));
    const uses = new Map<string, number>();
    expect(first.pairs.length).toBeGreaterThan(20);
    for (const pair of first.pairs) {
      let similarity = 0;
      for (const a of pair.user1.attributes) {
        for (const b of pair.user2.attributes) if (clusterOf.get(a) === clusterOf.get(b)) similarity++;
      }
      expect(similarity).toBe(pair.similarity);
      expect(similarity).toBeGreaterThan(CONFIG.pairing.similarityThreshold);
      for (const id of [pair.user1.id, pair.user2.id]) uses.set(id, (uses.get(id) ?? 0) + 1);
    }
    expect(Math.max(...uses.values())).toBeLessThanOrEqual(CONFIG.pairing.maxPairsPerProfile);

    // The run folder holds the four record files, each line valid against its schema.
    const schemas: Record<PersonaRecordFile, z.ZodType> = {
      queries: personaQueryRecordSchema,
      personas: personaRecordSchema,
      profiles: userProfileSchema,
      pairs: profilePairSchema,
    };
    for (const [file, schema] of Object.entries(schemas)) {
      const lines = (await readFile(path.join(folder, 'run', `${file}.jsonl`), 'utf8')).trim().split('\n');
      expect(lines.map((line) => schema.parse(JSON.parse(line)))).toEqual(first[file as PersonaRecordFile]);
    }
    expect(stats.chunks).toEqual({ run: calls.length, reused: 0 });
    console.info(`first run: ${JSON.stringify({ ...stats, calls: calls.length })}`);
  });

  it('gives the same output for the same seed', async () => {
    const { result, elapsed } = run({ store: new JsonlPersonaStore(path.join(folder, 'again')) });
    const again = await result;
    timings.sameSeedRun = await elapsed();
    expect(again.queries).toEqual(first.queries);
    expect(again.personas).toEqual(first.personas);
    expect(again.profiles).toEqual(first.profiles);
    expect(again.pairs).toEqual(first.pairs);
  });

  it('reuses every stored chunk when resumed on the same run folder', async () => {
    const { calls, result, elapsed } = run({ store: new JsonlPersonaStore(path.join(folder, 'run')) });
    const resumed = await result;
    timings.resumedRun = await elapsed();
    expect(calls).toEqual([]);
    expect(resumed.stats.chunks).toEqual({ run: 0, reused: firstCalls.length });
    expect(resumed.pairs).toEqual(first.pairs);
  });

  it('with the LLM consistency check and the simulator embeddings, keeps no pair the check calls contradictory', async () => {
    const config = personasConfigSchema.parse({
      ...CONFIG,
      embedding: 'text-embedding-3-small',
      attributeTarget: 60,
      profiles: { ...CONFIG.profiles, count: 40, consistencyModel: 'judge' },
    });
    const embeddingModel = new SimulatorEmbeddingModel(client);
    const { calls, result, elapsed } = run({
      store: new JsonlPersonaStore(path.join(folder, 'llm-check')),
      config,
      embeddingModel,
    });
    const checked = await result;
    timings.llmCheckRun = await elapsed();
    expect(checked.stats.profiles.consistencyCheck).toBe('llm');
    expect(calls.filter((call) => call.startsWith('check-consistency/')).length).toBeGreaterThan(0);
    expect(checked.stats.profiles.inconsistent).toBeGreaterThan(0);
    expect(checked.profiles).toHaveLength(40);

    // Ask the judge again about every pair of every profile (same prompt, same answer).
    const judge = new SimulatorLanguageModel(client, 'gpt-4o-mini');
    const texts = checked.profiles.flatMap((profile) =>
      profile.attributes.flatMap((a, i) => profile.attributes.slice(i + 1).map((b) => [a, b] as const)),
    );
    const vectors = (
      await embeddingModel.embed(checked.personas.map((persona) => persona.text))
    ).embeddings.map(toSparseVector);
    const vectorOf = new Map(checked.personas.map((persona, index) => [persona.text, vectors[index]!]));
    let asked = 0;
    for (const [a, b] of texts) {
      expect(sparseCosine(vectorOf.get(a)!, vectorOf.get(b)!)).toBeLessThanOrEqual(
        config.profiles.redundancyThreshold,
      );
      // Profiles keep draw order, and a new attribute is checked against the earlier ones:
      // the pair was asked as (later, earlier). The simulator answers the same prompt the same way.
      const verdict = await checkConsistencyStage.run(
        { items: [{ first: b, second: a }] },
        { consistency: judge },
      );
      expect(verdict.results).toEqual([{ ok: true, contradiction: false }]);
      asked++;
    }
    expect(asked).toBe(40 * 10);
  });
});
