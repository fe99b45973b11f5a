import {
  ConfigError,
  InputError,
  type PersonaRecord,
  type PersonasConfig,
  type ProfilePair,
  personasConfigSchema,
  randomFor,
  type TokenUsage,
  type UserProfile,
} from '@parley/core';
import type { CallContext, EmbeddingModel } from '@parley/llm';
import type { z } from 'zod';
import { clusterAgglomerative, clusterCentroids } from './agglomerative-clustering';
import { bootstrapPersonasStage, type PersonaQuestion } from './bootstrap-personas-stage';
import { bootstrapQueriesStage } from './bootstrap-queries-stage';
import { buildProfiles, type ProfileBuildStats } from './build-profiles';
import { ChunkDispatcher, type ChunkEvent, planChunks } from './chunk-dispatcher';
import { ChunkedConsistencyOracle } from './chunked-consistency-oracle';
import { comparisonKey } from './comparison-key';
import { EmbeddingIndex } from './embedding-index';
import { HeuristicConsistencyOracle } from './heuristic-consistency-oracle';
import type { RunChunk } from './in-process-chunk-runner';
import { type ClusterSample, induceQueriesStage } from './induce-queries-stage';
import { OfflineEmbeddingModel } from './offline-embedding-model';
import { pairProfiles } from './pair-profiles';
import type { PersonaQueryRecord } from './persona-query';
import type { GeneratedText } from './persona-stage';
import type { PersonaStore } from './persona-store';
import { type SparseVector, toSparseVector } from './sparse-vector';
import { type AttributeValidationOptions, validateAttribute } from './validate-attribute';
import { type QuestionValidationOptions, validateQuestion } from './validate-question';

/** Options of {@link expandPersonas}. */
export interface ExpandPersonasOptions {
  /** The seed's persona sentences (see `collectSeedAttributes`); repeats are dropped. */
  seedAttributes: readonly string[];
  /** The run's `personas:` block (defaults are applied here). */
  config: z.input<typeof personasConfigSchema> | PersonasConfig;
  /** The run's `randomSeed`: every sample, draw and shuffle derives from it. */
  randomSeed: number;
  /**
   * The model named by `personas.embedding`. @defaultValue an {@link OfflineEmbeddingModel}
   * weighted by the seed attributes, when `personas.embedding` is `offline`
   */
  embeddingModel?: EmbeddingModel;
  /** Runs one chunk of a stage (in process, or as a BullMQ job). */
  runChunk: RunChunk;
  /** Persists chunk outputs and record files; what it holds is reused. */
  store: PersonaStore;
  /** Items per chunk (LLM calls per job). @defaultValue 20 */
  chunkSize?: number;
  /** Chunks in flight at once. @defaultValue 8 */
  concurrency?: number;
  /** Clusters smaller than this induce no query (3: the paper samples three attributes). @defaultValue 3 */
  minClusterSize?: number;
  /** Attributes sampled per cluster for query induction. @defaultValue 3 */
  attributesPerCluster?: number;
  /** Queries shown per query-bootstrapping prompt. @defaultValue 5 */
  queriesPerPrompt?: number;
  /** Attributes shown per persona-bootstrapping prompt. @defaultValue 5 */
  attributesPerPrompt?: number;
  /** Rounds per bootstrapping loop at most. @defaultValue 20 */
  maxRounds?: number;
  /** A bootstrapping loop stops after this many rounds in a row that add nothing. @defaultValue 3 */
  maxStalledRounds?: number;
  /** Texts per embedding call. @defaultValue 256 */
  embeddingBatchSize?: number;
  /** Stop pairing after this many pairs. @defaultValue unlimited */
  maxPairs?: number;
  /** Bounds for produced attributes. @defaultValue DEFAULT_ATTRIBUTE_VALIDATION */
  attributeValidation?: Omit<AttributeValidationOptions, 'existingKeys'>;
  /** Bounds for produced queries. @defaultValue DEFAULT_QUESTION_VALIDATION */
  questionValidation?: Omit<QuestionValidationOptions, 'existingKeys'>;
  /** Run id and abort signal for embedding calls. @defaultValue {} */
  context?: CallContext;
  /** Called after every chunk, run or reused (progress bars, logs). */
  onChunk?: (event: ChunkEvent) => void;
}

export const DEFAULT_EXPAND_PERSONAS_OPTIONS = {
  chunkSize: 20,
  concurrency: 8,
  minClusterSize: 3,
  attributesPerCluster: 3,
  queriesPerPrompt: 5,
  attributesPerPrompt: 5,
  maxRounds: 20,
  maxStalledRounds: 3,
  embeddingBatchSize: 256,
} as const;

/** What stages 1–3 did, with every drop counted by reason. */
export interface ExpansionStats {
  seedAttributes: number;
  clusters: { count: number; eligible: number; largest: number; singletons: number };
  queries: {
    target: number;
    induced: number;
    bootstrapped: number;
    rounds: number;
    rejected: Record<string, number>;
  };
  attributes: { target: number; generated: number; rounds: number; rejected: Record<string, number> };
  profiles: ProfileBuildStats & {
    target: number;
    consistencyCheck: 'llm' | 'heuristic';
    /** LLM checks that failed for good (their pair counted as a contradiction). */
    failedChecks: number;
    /** Contradictions the offline heuristic found, by rule. */
    contradictionsByRule: Record<string, number>;
  };
  pairs: { count: number; profilesPaired: number };
  chunks: { run: number; reused: number };
  /** Tokens of the chunks run by this call (reused chunks were paid for before). */
  usage: TokenUsage;
  timingsMs: {
    embedding: number;
    clustering: number;
    queries: number;
    attributes: number;
    profiles: number;
    pairing: number;
  };
}

export interface ExpansionResult {
  queries: PersonaQueryRecord[];
  /** Seed attributes (`seed-…`) then generated ones (`generated-…`), each with its cluster. */
  personas: PersonaRecord[];
  profiles: UserProfile[];
  pairs: ProfilePair[];
  stats: ExpansionStats;
}

/**
 * Stages 1–3 (docs/personas.md): clusters the seed attributes, induces and bootstraps queries,
 * bootstraps new attributes, builds user profiles and pairs them. LLM work goes through
 * `runChunk` in chunks with stable ids; every output is persisted through `store` as it
 * arrives, so a resumed run re-runs only the chunks it lacks and, given the same chunk outputs,
 * makes exactly the same choices (all randomness derives from `randomSeed`). Writes
 * queries.jsonl, personas.jsonl, profiles.jsonl and pairs.jsonl through the store.
 */
export async function expandPersonas(options: ExpandPersonasOptions): Promise<ExpansionResult> {
  const settings = { ...DEFAULT_EXPAND_PERSONAS_OPTIONS, ...options };
  const config = personasConfigSchema.parse(options.config);
  const seed = options.randomSeed;
  const pad = (value: number) => String(value).padStart(5, '0');
  const started = performance.now();
  let mark = started;
  const lap = (): number => {
    const now = performance.now();
    const elapsed = Math.round(now - mark);
    mark = now;
    return elapsed;
  };

  const seedKeys = new Set<string>();
  const seeds: string[] = [];
  for (const attribute of options.seedAttributes) {
    const text = attribute.trim();
    const key = comparisonKey(text);
    if (key.length === 0 || seedKeys.has(key)) continue;
    seedKeys.add(key);
    seeds.push(text);
  }
  if (seeds.length === 0) throw new InputError('seed', 'no persona attributes to expand');

  const embeddingModel = options.embeddingModel ?? offlineModelFor(config, seeds);
  const embed = async (texts: readonly string[]): Promise<SparseVector[]> => {
    if (embeddingModel instanceof OfflineEmbeddingModel)
      return texts.map((text) => embeddingModel.embedSparse(text));
    const vectors: SparseVector[] = [];
    for (let start = 0; start < texts.length; start += settings.embeddingBatchSize) {
      const batch = texts.slice(start, start + settings.embeddingBatchSize);
      const result = await embeddingModel.embed(batch, { ...settings.context, stage: 'personas:embed' });
      if (result.embeddings.length !== batch.length) {
        throw new InputError(
          `embedding model ${embeddingModel.modelId}`,
          `${result.embeddings.length} vectors for ${batch.length} texts`,
        );
      }
      vectors.push(...result.embeddings.map(toSparseVector));
    }
    return vectors;
  };

  const seedVectors = await embed(seeds);
  const embeddingMs = lap();
  const clustering = clusterAgglomerative(seedVectors, { threshold: config.clusterThreshold });
  const centroids = new EmbeddingIndex(clusterCentroids(seedVectors, clustering.clusters));
  const clusteringMs = lap();
  const dispatcher = new ChunkDispatcher(
    options.runChunk,
    options.store,
    settings.concurrency,
    options.onChunk,
    settings.context?.signal,
  );

  // Stage 1a — query induction: one question per (large enough) cluster, largest clusters first.
  const queries: PersonaQueryRecord[] = [];
  const queryKeys = new Set<string>();
  const queryRejections: Record<string, number> = {};
  const acceptQuery = (result: GeneratedText, record: Omit<PersonaQueryRecord, 'id' | 'text'>): void => {
    if (!result.ok) {
      count(queryRejections, result.reason);
      return;
    }
    const validation = validateQuestion(result.text, {
      ...settings.questionValidation,
      existingKeys: queryKeys,
    });
    if (!validation.ok) {
      count(queryRejections, validation.reason);
      return;
    }
    queryKeys.add(comparisonKey(validation.text));
    queries.push({ id: `query-${pad(queries.length)}`, text: validation.text, ...record });
  };
  const eligible = clustering.clusters
    .map((members, cluster) => ({ cluster, members }))
    .filter(({ members }) => members.length >= settings.minClusterSize)
    .sort((a, b) => b.members.length - a.members.length || a.cluster - b.cluster);
  if (eligible.length === 0) {
    throw new InputError(
      'personas.clusterThreshold',
      `no cluster of ${settings.minClusterSize} or more attributes among ${seeds.length} seed attributes at threshold ${config.clusterThreshold} (${clustering.clusters.length} clusters); lower the threshold or add seed conversations`,
    );
  }
  const samples: ClusterSample[] = eligible.slice(0, config.queryTarget).map(({ cluster, members }) => ({
    cluster,
    attributes: randomFor(seed, 'induce', cluster)
      .sample(members, settings.attributesPerCluster)
      .map((member) => seeds[member] as string),
  }));
  const induced = await dispatcher.runAll(
    induceQueriesStage,
    planChunks('induce-queries', samples, settings.chunkSize),
  );
  induced
    .flatMap((output) => output.results)
    .forEach((result, index) => {
      acceptQuery(result, { source: 'induced', cluster: (samples[index] as ClusterSample).cluster });
    });
  const inducedCount = queries.length;
  if (inducedCount === 0) {
    throw new InputError(
      'induce-queries',
      `none of ${samples.length} induced queries was valid: ${JSON.stringify(queryRejections)}`,
    );
  }

  // Stage 1b — query bootstrapping, round after round, up to queryTarget.
  let queryRounds = 0;
  for (
    let stalled = 0;
    queries.length < config.queryTarget &&
    queryRounds < settings.maxRounds &&
    stalled < settings.maxStalledRounds;
    queryRounds++
  ) {
    const random = randomFor(seed, 'bootstrap-queries', queryRounds);
    const items = Array.from({ length: config.queryTarget - queries.length }, () => ({
      examples: random.sample(queries, settings.queriesPerPrompt).map((query) => query.text),
    }));
    const before = queries.length;
    const outputs = await dispatcher.runAll(
      bootstrapQueriesStage,
      planChunks(`bootstrap-queries-r${queryRounds}`, items, settings.chunkSize),
    );
    for (const result of outputs.flatMap((output) => output.results))
      acceptQuery(result, { source: 'bootstrapped' });
    stalled = queries.length === before ? stalled + 1 : 0;
  }
  await options.store.writeRecords('queries', queries);
  const queriesMs = lap();

  // Stage 1c — persona bootstrapping: queries in turn, each answered as a sampled persona.
  const personas: PersonaRecord[] = seeds.map((text, index) => ({
    id: `seed-${pad(index)}`,
    text,
    source: 'seed',
    cluster: clustering.labels[index] as number,
  }));
  const attributes = new EmbeddingIndex(seedVectors);
  const attributeKeys = new Set(seedKeys);
  const attributeRejections: Record<string, number> = {};
  let generated = 0;
  let queryCursor = 0;
  let attributeRounds = 0;
  for (
    let stalled = 0;
    generated < config.attributeTarget &&
    attributeRounds < settings.maxRounds &&
    stalled < settings.maxStalledRounds;
    attributeRounds++
  ) {
    const random = randomFor(seed, 'bootstrap-personas', attributeRounds);
    const items: PersonaQuestion[] = Array.from({ length: config.attributeTarget - generated }, () => ({
      query: (queries[queryCursor++ % queries.length] as PersonaQueryRecord).text,
      persona: random.sample(personas, settings.attributesPerPrompt).map((persona) => persona.text),
    }));
    const outputs = await dispatcher.runAll(
      bootstrapPersonasStage,
      planChunks(`bootstrap-personas-r${attributeRounds}`, items, settings.chunkSize),
    );
    const candidates: Array<{ text: string; query: string }> = [];
    const results = outputs.flatMap((output) => output.results);
    for (const [index, result] of results.entries()) {
      if (!result.ok) {
        count(attributeRejections, result.reason);
        continue;
      }
      const validation = validateAttribute(result.text, {
        ...settings.attributeValidation,
        existingKeys: attributeKeys,
      });
      if (!validation.ok) {
        count(attributeRejections, validation.reason);
        continue;
      }
      attributeKeys.add(comparisonKey(validation.text));
      candidates.push({ text: validation.text, query: (items[index] as PersonaQuestion).query });
    }
    const vectors = await embed(candidates.map((candidate) => candidate.text));
    const before = generated;
    for (const [index, candidate] of candidates.entries()) {
      const vector = vectors[index] as SparseVector;
      // Novelty: too close to any attribute that exists (seed or generated) means nothing new.
      if (attributes.size > 0 && attributes.nearest(vector).similarity > config.noveltyThreshold) {
        count(attributeRejections, 'not-novel');
        continue;
      }
      attributes.add(vector);
      personas.push({
        id: `generated-${pad(generated)}`,
        text: candidate.text,
        source: 'generated',
        query: candidate.query,
        cluster: centroids.nearest(vector).index,
      });
      generated++;
    }
    stalled = generated === before ? stalled + 1 : 0;
  }
  await options.store.writeRecords('personas', personas);
  const attributesMs = lap();

  // Stage 2 — user profiles.
  const texts = personas.map((persona) => persona.text);
  const heuristic = config.profiles.consistencyModel ? undefined : new HeuristicConsistencyOracle(texts);
  const checked = heuristic ? undefined : new ChunkedConsistencyOracle(texts, dispatcher, settings.chunkSize);
  const built = await buildProfiles({
    attributeCount: personas.length,
    similarity: (first, second) => attributes.similarity(first, second),
    oracle: heuristic ?? (checked as ChunkedConsistencyOracle),
    options: {
      size: config.profiles.size,
      count: config.profiles.count,
      redundancyThreshold: config.profiles.redundancyThreshold,
    },
    randomSeed: seed,
  });
  const profiles: UserProfile[] = built.profiles.map((members, index) => ({
    id: `profile-${pad(index)}`,
    attributes: members.map((member) => texts[member] as string),
  }));
  await options.store.writeRecords('profiles', profiles);
  const profilesMs = lap();

  // Stage 3 — pairing by shared clusters.
  const matches = pairProfiles(
    built.profiles.map((members) =>
      members.map((member) => (personas[member] as PersonaRecord).cluster as number),
    ),
    { ...config.pairing, ...(options.maxPairs === undefined ? {} : { maxPairs: options.maxPairs }) },
    seed,
  );
  const pairs: ProfilePair[] = matches.map((match, index) => ({
    id: `pair-${pad(index)}`,
    user1: profiles[match.first] as UserProfile,
    user2: profiles[match.second] as UserProfile,
    similarity: match.similarity,
  }));
  await options.store.writeRecords('pairs', pairs);
  const pairingMs = lap();

  const sizes = clustering.clusters.map((members) => members.length);
  return {
    queries,
    personas,
    profiles,
    pairs,
    stats: {
      seedAttributes: seeds.length,
      clusters: {
        count: sizes.length,
        eligible: eligible.length,
        largest: Math.max(...sizes),
        singletons: sizes.filter((size) => size === 1).length,
      },
      queries: {
        target: config.queryTarget,
        induced: inducedCount,
        bootstrapped: queries.length - inducedCount,
        rounds: queryRounds,
        rejected: queryRejections,
      },
      attributes: {
        target: config.attributeTarget,
        generated,
        rounds: attributeRounds,
        rejected: attributeRejections,
      },
      profiles: {
        ...built.stats,
        target: config.profiles.count,
        consistencyCheck: heuristic ? 'heuristic' : 'llm',
        failedChecks: checked?.failedChecks ?? 0,
        contradictionsByRule: heuristic?.contradictionsByRule ?? {},
      },
      pairs: {
        count: pairs.length,
        profilesPaired: new Set(matches.flatMap((match) => [match.first, match.second])).size,
      },
      chunks: { run: dispatcher.chunksRun, reused: dispatcher.chunksReused },
      usage: dispatcher.usage,
      timingsMs: {
        embedding: embeddingMs,
        clustering: clusteringMs,
        queries: queriesMs,
        attributes: attributesMs,
        profiles: profilesMs,
        pairing: pairingMs,
      },
    },
  };
}

function offlineModelFor(config: PersonasConfig, seeds: readonly string[]): EmbeddingModel {
  if (config.embedding !== 'offline') {
    throw new ConfigError([
      {
        path: 'personas.embedding',
        message: `names model "${config.embedding}", but expandPersonas was given no embeddingModel for it`,
      },
    ]);
  }
  return new OfflineEmbeddingModel({ idfDocuments: seeds });
}

function count(counter: Record<string, number>, reason: string): void {
  counter[reason] = (counter[reason] ?? 0) + 1;
}
