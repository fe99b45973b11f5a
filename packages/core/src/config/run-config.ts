import { z } from 'zod';
import { fraction, nonEmptyString, nonNegativeNumber, positiveInteger } from './config-types';
import { criticConfigSchema } from './critic-config';
import { evaluationConfigSchema } from './evaluation-config';
import { generatorConfigSchema } from './generator-config';
import { modelConfigSchema } from './model-config';
import { personasConfigSchema } from './personas-config';
import { seedConfigSchema } from './seed-config';
import { simulatorConfigSchema } from './simulator-config';

export const budgetConfigSchema = z.strictObject({
  /** Stop starting LLM calls once the next could pass this many tokens (in + out). */
  maxTokens: positiveInteger().optional(),
  /** Stop starting LLM calls once the next could pass this cost in USD (needs prices). */
  maxCostUsd: nonNegativeNumber().optional(),
});

export const concurrencyConfigSchema = z.strictObject({
  /** Concurrent generate jobs per worker process. @defaultValue 16 */
  generate: positiveInteger().default(16),
  /** Concurrent critique jobs per worker process. @defaultValue 16 */
  critique: positiveInteger().default(16),
  /** Concurrent stage 1–3 jobs per worker process. @defaultValue 8 */
  personas: positiveInteger().default(8),
  /** Pairs enqueued per chunk. @defaultValue 500 */
  chunkSize: positiveInteger().default(500),
});

/**
 * The run's circuit breaker: a provider that fails pair after pair (a revoked key, an empty
 * account, a model gone) stops the run early, `failed` with the reason, instead of paying for
 * every planned pair. Counted over settled pairs, after every call retry and job attempt, so
 * a failure it sees is one no retry saved. Pairs that fail because the budget is spent never
 * trip it: the budget ends a run on its own terms.
 */
export const breakerConfigSchema = z
  .strictObject({
    /** @defaultValue true */
    enabled: z.boolean({ error: 'expected true or false' }).default(true),
    /** Pairs in a row that failed with one and the same failure category. @defaultValue 10 */
    consecutiveSameError: positiveInteger().default(10),
    /** Share of failed pairs among the last `window` settled that stops the run. @defaultValue 0.8 */
    failureShare: z
      .number({ error: 'expected a number above 0 and at most 1' })
      .gt(0, { error: 'expected a number above 0 and at most 1' })
      .max(1, { error: 'expected a number above 0 and at most 1' })
      .default(0.8),
    /** Settled pairs the window must hold before its failure share is judged. @defaultValue 10 */
    minPairs: positiveInteger().default(10),
    /** How many of the most recently settled pairs the failure share is measured over. @defaultValue 50 */
    window: positiveInteger().default(50),
  })
  .refine((breaker) => breaker.minPairs <= breaker.window, {
    error: 'minPairs must not exceed window',
    path: ['minPairs'],
  });
export type BreakerConfig = z.infer<typeof breakerConfigSchema>;

/**
 * The response cache, shared by every run that uses the same store: keyed on a request's content
 * (provider endpoint, model, messages, schema, decoding and seed), never on the run.
 */
export const cacheConfigSchema = z.strictObject({
  /** @defaultValue true */
  enabled: z.boolean({ error: 'expected true or false' }).default(true),
  /** Folder of the file store, relative to the job file. @defaultValue PARLEY_CACHE_DIR, else ~/.cache/parley/responses */
  dir: nonEmptyString().optional(),
  /** Pruning keeps the file store at most this many bytes. @defaultValue 2147483648 (2 GiB) */
  maxBytes: positiveInteger().optional(),
  /** Entries older than this many days are misses and are pruned. @defaultValue 30 */
  maxAgeDays: z
    .number({ error: 'expected a number of days above 0' })
    .gt(0, { error: 'expected a number of days above 0' })
    .optional(),
});
export type CacheConfig = z.infer<typeof cacheConfigSchema>;

export const outputConfigSchema = z.strictObject({
  /** Folder that holds `<run>/`, relative to the job file. @defaultValue './releases' */
  dir: nonEmptyString().default('./releases'),
  /** Fractions of the SPC CSV split; they must add up to 1. */
  split: z
    .strictObject({ train: fraction(), valid: fraction(), test: fraction() })
    .default({ train: 0.8, valid: 0.1, test: 0.1 })
    .refine((split) => Math.abs(split.train + split.valid + split.test - 1) < 1e-9, {
      error: 'train + valid + test must add up to 1',
    }),
});

/** A job file: everything that decides what a run produces. */
export const runConfigSchema = z
  .strictObject({
    /** Run name; the run id is `<name>-<timestamp>` unless given on the command line. */
    name: z
      .string({ error: 'expected a name of letters, digits, - and _' })
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a name of letters, digits, - and _' }),
    description: z.string().optional(),
    seed: seedConfigSchema,
    output: outputConfigSchema.default({ dir: './releases', split: { train: 0.8, valid: 0.1, test: 0.1 } }),
    /** Generator–Critic iterations (paper: 3). @defaultValue 3 */
    iterations: positiveInteger().default(3),
    /** Profile pairs per iteration. @defaultValue 100 */
    pairs: positiveInteger().default(100),
    /** Generator candidates per pair (K). @defaultValue 2 */
    candidatesPerPair: positiveInteger().default(2),
    /** Seed of every random choice in the run. @defaultValue 1 */
    randomSeed: z.number({ error: 'expected an integer' }).int({ error: 'expected an integer' }).default(1),
    /** Named model bindings. */
    models: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/), modelConfigSchema)
      .refine((m) => Object.keys(m).length > 0, {
        error: 'at least one model is needed',
      }),
    personas: personasConfigSchema.default(personasConfigSchema.parse({})),
    generator: generatorConfigSchema,
    critic: criticConfigSchema,
    /** Best conversations by judge score kept as the next iteration's few-shot examples. */
    examplePool: z.strictObject({ size: positiveInteger().default(50) }).default({ size: 50 }),
    budget: budgetConfigSchema.default({}),
    concurrency: concurrencyConfigSchema.default({ generate: 16, critique: 16, personas: 8, chunkSize: 500 }),
    /** Response cache: a request answered before (same content, same endpoint) costs nothing. */
    cache: cacheConfigSchema.default({ enabled: true }),
    simulator: simulatorConfigSchema.default(simulatorConfigSchema.parse({})),
    evaluation: evaluationConfigSchema.default({ afterEachIteration: false, concurrency: 8 }),
    breaker: breakerConfigSchema.default(breakerConfigSchema.parse({})),
  })
  // Cross-references run even when other fields are invalid, so a job's every problem is listed at once.
  .superRefine((config, context) => crossCheck(config as PartialConfig, context), { when: () => true });

type PartialConfig = {
  [K in keyof z.infer<typeof runConfigBaseShape>]?: Partial<z.infer<typeof runConfigBaseShape>[K]>;
};
const runConfigBaseShape = z.object({
  models: z.record(z.string(), modelConfigSchema),
  generator: generatorConfigSchema,
  critic: criticConfigSchema,
  personas: personasConfigSchema,
  budget: budgetConfigSchema,
  evaluation: evaluationConfigSchema,
});

function crossCheck(config: PartialConfig, context: z.RefinementCtx): void {
  if (config === null || typeof config !== 'object') return;
  const models = config.models && typeof config.models === 'object' ? config.models : {};
  const known = new Set(Object.keys(models));
  const references: Array<[unknown, (string | number)[]]> = [
    [config.generator?.model, ['generator', 'model']],
    [config.critic?.model, ['critic', 'model']],
    [config.personas?.model, ['personas', 'model']],
    [config.personas?.profiles?.consistencyModel, ['personas', 'profiles', 'consistencyModel']],
    [config.evaluation?.judge, ['evaluation', 'judge']],
    ...Object.entries(config.critic?.models ?? {}).map(([expert, name]): [unknown, (string | number)[]] => [
      name,
      ['critic', 'models', expert],
    ]),
  ];
  if (config.personas?.embedding && config.personas.embedding !== 'offline') {
    references.push([config.personas.embedding, ['personas', 'embedding']]);
  }
  for (const [name, path] of references) {
    if (typeof name === 'string' && known.size > 0 && !known.has(name)) {
      context.addIssue({
        code: 'custom',
        path,
        message: `names model "${name}", which is not in models: (${[...known].join(', ')})`,
      });
    }
  }
  if (config.evaluation?.afterEachIteration === true && !config.evaluation.judge) {
    context.addIssue({
      code: 'custom',
      path: ['evaluation', 'judge'],
      message: 'afterEachIteration needs a judge model',
    });
  }
  const generator = config.generator;
  if (
    typeof generator?.minTurnsPerSpeaker === 'number' &&
    typeof generator.maxTurnsPerSpeaker === 'number' &&
    generator.minTurnsPerSpeaker > generator.maxTurnsPerSpeaker
  ) {
    context.addIssue({
      code: 'custom',
      path: ['generator', 'minTurnsPerSpeaker'],
      message: 'must not exceed maxTurnsPerSpeaker',
    });
  }
  for (const [name, model] of Object.entries(models)) {
    if (!model || typeof model !== 'object') continue;
    if (config.budget?.maxCostUsd !== undefined && !model.price) {
      context.addIssue({
        code: 'custom',
        path: ['models', name, 'price'],
        message: 'a price is needed when budget.maxCostUsd is set',
      });
    }
    if (model.provider === 'openai-compatible' && !model.baseURL) {
      context.addIssue({
        code: 'custom',
        path: ['models', name, 'baseURL'],
        message: 'openai-compatible needs a baseURL',
      });
    }
  }
}

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.infer<typeof runConfigSchema>;
