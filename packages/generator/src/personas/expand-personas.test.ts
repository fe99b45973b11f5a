import { ConfigError, hashString, InputError } from '@parley/core';
import { MockLanguageModel, type ObjectRequest, type TextRequest } from '@parley/llm';
import { describe, expect, it } from 'vitest';
import { detectContradiction } from './detect-contradiction';
import {
  DEFAULT_EXPAND_PERSONAS_OPTIONS,
  type ExpandPersonasOptions,
  type ExpansionResult,
  expandPersonas,
} from './expand-personas';
import { createInProcessChunkRunner, type RunChunk } from './in-process-chunk-runner';
import { OfflineEmbeddingModel } from './offline-embedding-model';
import { MemoryPersonaStore } from './persona-store';
import { sparseCosine } from './sparse-vector';

const SEEDS = [
  'I have a dog named Max.',
  'I have two dogs.',
  'My dog is a golden retriever.',
  'I have a cat named Tom.',
  'I have two cats and a dog.',
  'I work as a nurse.',
  'I am a nurse at a hospital.',
  'I work as a teacher.',
  'I am a teacher at a high school.',
  'My favorite color is blue.',
  'My favorite color is green.',
  'My favorite color is red.',
  'My favorite food is pizza.',
  'My favorite food is sushi.',
  'My favorite food is tacos.',
  'I love to play soccer.',
  'I love to play tennis.',
  'I play basketball on weekends.',
  'I grew up in Texas.',
  'I grew up on a farm.',
  'I grew up in California.',
  'I am married.',
  'I am single.',
  'I have three kids.',
  'I do not have any pets.',
  'I hate pizza.',
  'I am 25 years old.',
  'I am 60 years old.',
];

const TOPICS = [
  'garden',
  'car',
  'music',
  'book',
  'movie',
  'holiday',
  'hobby',
  'city',
  'drink',
  'breakfast',
  'sport',
  'game',
  'season',
  'dessert',
  'animal',
  'song',
  'painter',
  'museum',
];
const VERBS = [
  'love',
  'own',
  'collect',
  'enjoy',
  'fix',
  'paint',
  'study',
  'dream about',
  'build',
  'photograph',
];
const THINGS = [
  'old clocks',
  'red bicycles',
  'jazz records',
  'mountain cabins',
  'vintage cameras',
  'paper kites',
  'wooden boats',
  'board games',
  'silver coins',
  'glass bottles',
  'tropical plants',
  'toy trains',
  'marble statues',
  'rare stamps',
  'street maps',
  'comic books',
];

/** A scripted stand-in for an LLM: answers depend only on the prompt, some of them invalid. */
function scriptedModel(): MockLanguageModel {
  return new MockLanguageModel({
    answers: (request: TextRequest | ObjectRequest<unknown>) => {
      const { schemaName } = request as ObjectRequest<unknown>;
      const prompt = request.messages.map((message) => message.content).join('\n');
      const hash = hashString(prompt);
      if (schemaName === 'persona_query') {
        if (hash % 9 === 0) return { question: 'Tell me about yourself.' };
        return { question: `What ${TOPICS[hash % TOPICS.length]} do you like the most?` };
      }
      if (schemaName === 'persona_attribute') {
        if (hash % 11 === 0) return { attribute: 'Maybe another time.' };
        if (hash % 13 === 0) return { attribute: 'I like it. I really do.' };
        return {
          attribute: `I ${VERBS[hash % VERBS.length]} ${THINGS[(hash >>> 8) % THINGS.length]} on ${['mondays', 'weekends', 'holidays'][(hash >>> 16) % 3]}.`,
        };
      }
      if (schemaName === 'contradiction_verdict') {
        const [, first, second] = /Fact A: (.*)\nFact B: (.*)/.exec(prompt) ?? [];
        return { contradiction: scriptedContradiction(first ?? '', second ?? '') ? 'yes' : 'no' };
      }
      throw new Error(`unexpected schema ${schemaName}`);
    },
  });
}

/** Symmetric, like a sensible judge: the order the pair is asked in does not matter. */
function scriptedContradiction(first: string, second: string): boolean {
  const key = [first, second].sort().join('|');
  return detectContradiction(first, second).contradiction || hashString(key) % 10 === 0;
}

const CONFIG = {
  mode: 'expand',
  clusterThreshold: 0.2,
  queryTarget: 12,
  attributeTarget: 30,
  noveltyThreshold: 0.9,
  profiles: { size: 4, count: 20, redundancyThreshold: 0.9 },
  pairing: { similarityThreshold: 0, maxPairsPerProfile: 2 },
} as const;

function setUp(overrides: Partial<ExpandPersonasOptions> = {}) {
  const model = scriptedModel();
  const store = new MemoryPersonaStore();
  const inner = createInProcessChunkRunner({ models: { personas: model, consistency: model } });
  const calls: string[] = [];
  const runChunk: RunChunk = (stageName, chunkId, input) => {
    calls.push(`${stageName}/${chunkId}`);
    return inner(stageName, chunkId, input);
  };
  const options: ExpandPersonasOptions = {
    seedAttributes: SEEDS,
    config: CONFIG,
    randomSeed: 7,
    runChunk,
    store,
    chunkSize: 4,
    ...overrides,
  };
  return { model, store, calls, options };
}

const withoutTimings = (result: ExpansionResult) => ({
  ...result,
  stats: { ...result.stats, timingsMs: undefined },
});

describe('expandPersonas', () => {
  it('produces queries, new attributes, profiles and pairs that keep every invariant', async () => {
    const { store, options } = setUp();
    const result = await expandPersonas(options);
    const { stats } = result;

    expect(result.queries.length).toBe(12);
    expect(stats.queries.induced).toBeGreaterThan(0);
    expect(result.queries.filter((query) => query.source === 'induced')).toHaveLength(stats.queries.induced);
    expect(new Set(result.queries.map((query) => query.text.toLowerCase())).size).toBe(12);

    const generated = result.personas.filter((persona) => persona.source === 'generated');
    expect(generated).toHaveLength(30);
    expect(result.personas.slice(0, SEEDS.length).map((persona) => persona.text)).toEqual(SEEDS);
    for (const persona of generated) {
      expect(persona.text).toMatch(/^(I|My)\b/);
      expect(persona.cluster).toBeTypeOf('number');
      expect(result.queries.map((query) => query.text)).toContain(persona.query);
    }
    // Invalid answers were counted, never kept.
    expect(stats.attributes.rejected['not-first-person']).toBeGreaterThan(0);
    expect(stats.attributes.rejected['multiple-sentences']).toBeGreaterThan(0);
    expect(stats.queries.rejected['not-a-question']).toBeGreaterThan(0);

    const embedding = new OfflineEmbeddingModel({ idfDocuments: SEEDS });
    expect(result.profiles).toHaveLength(20);
    const sets = new Set<string>();
    for (const profile of result.profiles) {
      expect(profile.attributes).toHaveLength(4);
      sets.add([...profile.attributes].sort().join('|'));
      for (let i = 0; i < 4; i++) {
        for (let j = i + 1; j < 4; j++) {
          const [a, b] = [profile.attributes[i]!, profile.attributes[j]!];
          expect(sparseCosine(embedding.embedSparse(a), embedding.embedSparse(b))).toBeLessThanOrEqual(0.9);
          expect(detectContradiction(a, b).contradiction).toBe(false);
        }
      }
    }
    expect(sets.size).toBe(20);

    const clusterOf = new Map(result.personas.map((persona) => [persona.text, persona.cluster]));
    const uses = new Map<string, number>();
    expect(result.pairs.length).toBeGreaterThan(0);
    for (const pair of result.pairs) {
      let similarity = 0;
      for (const a of pair.user1.attributes)
        for (const b of pair.user2.attributes) if (clusterOf.get(a) === clusterOf.get(b)) similarity++;
      expect(pair.similarity).toBe(similarity);
      expect(similarity).toBeGreaterThan(CONFIG.pairing.similarityThreshold);
      for (const id of [pair.user1.id, pair.user2.id]) uses.set(id, (uses.get(id) ?? 0) + 1);
    }
    expect(Math.max(...uses.values())).toBeLessThanOrEqual(2);

    expect(store.records.get('queries')).toEqual(result.queries);
    expect(store.records.get('personas')).toEqual(result.personas);
    expect(store.records.get('profiles')).toEqual(result.profiles);
    expect(store.records.get('pairs')).toEqual(result.pairs);
    expect(stats.profiles.consistencyCheck).toBe('heuristic');
    expect(stats.usage.inputTokens).toBeGreaterThan(0);
  });

  it('gives the same output for the same seed, and another for another seed', async () => {
    const first = await expandPersonas(setUp().options);
    const second = await expandPersonas(setUp().options);
    expect(withoutTimings(second)).toEqual(withoutTimings(first));
    const other = await expandPersonas(setUp({ randomSeed: 8 }).options);
    expect(other.profiles).not.toEqual(first.profiles);
  });

  it('reuses stored chunks on a resumed run and re-runs only the missing ones', async () => {
    const { store, calls, options } = setUp();
    const first = await expandPersonas(options);
    const firstCalls = calls.length;
    expect(firstCalls).toBe(first.stats.chunks.run);

    const resumed = await expandPersonas(options);
    expect(calls.length).toBe(firstCalls);
    expect(resumed.stats.chunks).toEqual({ run: 0, reused: firstCalls });
    expect(withoutTimings(resumed)).toEqual({
      ...withoutTimings(first),
      stats: {
        ...withoutTimings(first).stats,
        chunks: { run: 0, reused: firstCalls },
        usage: { inputTokens: 0, outputTokens: 0 },
      },
    });

    // A run killed half-way: only the chunks it lacks run again.
    const lost = [...store.chunks.keys()].filter((key) => key.startsWith('bootstrap-personas/')).slice(-2);
    for (const key of lost) store.chunks.delete(key);
    const repaired = await expandPersonas(options);
    expect(calls.slice(firstCalls)).toEqual(lost);
    expect(repaired.profiles).toEqual(first.profiles);
  });

  it('re-runs a stored chunk whose input changed with the config, and reuses the rest', async () => {
    const { calls, options } = setUp();
    await expandPersonas(options);
    const firstCalls = calls.length;
    const changed = await expandPersonas({ ...options, config: { ...CONFIG, noveltyThreshold: 0.5 } });
    const rerun = calls.slice(firstCalls);
    expect(changed.stats.chunks.reused).toBeGreaterThan(0);
    expect(rerun.length).toBe(changed.stats.chunks.run);
    // Query induction saw the same input: reused. Persona bootstrapping samples the generated
    // attributes, which the new threshold changed: some of its chunks ran again.
    expect(rerun.some((call) => call.startsWith('induce-queries/'))).toBe(false);
    expect(rerun.some((call) => call.startsWith('bootstrap-personas/'))).toBe(true);
  });

  it('starts no chunk once the run is cancelled', async () => {
    const controller = new AbortController();
    const { calls, options } = setUp({
      context: { signal: controller.signal },
      onChunk: () => controller.abort(new Error('run cancelled')),
    });
    await expect(expandPersonas(options)).rejects.toThrow('run cancelled');
    expect(calls.length).toBeLessThanOrEqual(DEFAULT_EXPAND_PERSONAS_OPTIONS.concurrency);
  });

  it('runs the LLM consistency check in chunks when a consistency model is configured', async () => {
    const { calls, options } = setUp({
      config: { ...CONFIG, profiles: { ...CONFIG.profiles, consistencyModel: 'judge' } },
    });
    const result = await expandPersonas(options);
    expect(result.stats.profiles.consistencyCheck).toBe('llm');
    expect(calls.some((call) => call.startsWith('check-consistency/check-consistency-r0-'))).toBe(true);
    expect(result.profiles).toHaveLength(20);
    for (const profile of result.profiles) {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          if (i !== j)
            expect(scriptedContradiction(profile.attributes[i]!, profile.attributes[j]!)).toBe(false);
        }
      }
    }
  });

  it('says what to change when nothing can be induced or the embedding model is missing', async () => {
    await expect(
      expandPersonas(setUp({ config: { ...CONFIG, clusterThreshold: 0.99 } }).options),
    ).rejects.toThrow(/personas\.clusterThreshold: no cluster of 3 or more attributes/);
    await expect(
      expandPersonas(setUp({ config: { ...CONFIG, embedding: 'embedder' } }).options),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(expandPersonas(setUp({ seedAttributes: [' '] }).options)).rejects.toBeInstanceOf(InputError);
  });
});
