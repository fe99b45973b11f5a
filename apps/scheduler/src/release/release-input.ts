import { modelPriceSchema, runConfigSchema, seedFormatSchema } from '@parley/core';
import { z } from 'zod';
import { usageSummarySchema } from './usage-summary';

const timestampSchema = z.iso.datetime({ offset: true });

/** What the scheduler knows about one iteration that the `.work` files do not say. */
export const iterationFactsSchema = z.object({
  iteration: z.number().int().positive(),
  /** Profile pairs enqueued for the iteration. */
  pairsPlanned: z.number().int().nonnegative(),
  startedAt: timestampSchema.optional(),
  finishedAt: timestampSchema.optional(),
  /** Conversation ids of the example pool the iteration's Generator drew few-shot examples from. */
  examplePoolIds: z.array(z.string()),
});
export type IterationFacts = z.infer<typeof iterationFactsSchema>;

export const releaseTimingsSchema = z.object({
  runStartedAt: timestampSchema,
  runFinishedAt: timestampSchema.optional(),
  /** Wall-clock milliseconds per stage (`personas`, `iteration-1`, `release`, ...). */
  stageDurationsMs: z.record(z.string(), z.number().nonnegative()),
});
export type ReleaseTimings = z.infer<typeof releaseTimingsSchema>;

export const releaseVersionsSchema = z.object({
  parley: z.string().min(1),
  node: z.string().min(1),
  /** npm package name to installed version; null when the package is not installed. */
  packages: z.record(z.string(), z.string().nullable()),
});
export type ReleaseVersions = z.infer<typeof releaseVersionsSchema>;

/** A model binding as a release shows it: no keys, no key files, no credentials in URLs. */
export const releaseModelSchema = z.object({
  provider: z.string().min(1),
  model: z.string().min(1),
  baseURL: z.string().optional(),
  /** USD per million tokens, as the config gave it. */
  price: modelPriceSchema.optional(),
});
export type ReleaseModel = z.infer<typeof releaseModelSchema>;

/** Where a release made from another one (`parley release filter`, `parley critique`) came from. */
export const derivedFromSchema = z.object({
  operation: z.enum(['filter', 'critique']),
  /** The source release's folder name. */
  release: z.string().min(1),
  /** sha256 of the source's manifest.json: pins exactly which release it was. */
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** What was done, in words (the filter, the job file). */
  description: z.string(),
});
export type DerivedFrom = z.infer<typeof derivedFromSchema>;

/** Everything `writeRelease` needs besides the files already in the run folder. */
export const releaseInputSchema = z.object({
  /** `<out>/<run>/`: holds `.work/` and receives the release. */
  runFolder: z.string().min(1),
  runId: z.string().min(1),
  config: runConfigSchema,
  /** One entry per iteration the run started. */
  iterations: z.array(iterationFactsSchema),
  usage: usageSummarySchema,
  timings: releaseTimingsSchema,
  versions: releaseVersionsSchema,
  /** Model name to binding. @defaultValue derived from `config.models` */
  models: z.record(z.string(), releaseModelSchema).optional(),
  /** The seed's format as detected when the run read it. @defaultValue `config.seed.format`, `auto` guessed from the file name */
  seedFormat: seedFormatSchema.exclude(['auto']).optional(),
  /** A release made from another one says so (and carries the source's stage statistics). */
  derivedFrom: derivedFromSchema.optional(),
  /** Stage 1–3 statistics. @defaultValue read from the run's work folder */
  stageStatistics: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type ReleaseInput = z.infer<typeof releaseInputSchema>;
