import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError, runConfigSchema, seedFormatSchema } from '@parley/core';
import { z } from 'zod';
import { splitAssignmentStatsSchema } from './profile-splits';
import { provenanceSchema } from './provenance';
import {
  derivedFromSchema,
  releaseModelSchema,
  releaseTimingsSchema,
  releaseVersionsSchema,
} from './release-input';
import { pairUsageSchema } from './release-pairs';
import { iterationStatisticsSchema, releaseTotalsSchema } from './release-statistics';
import { usageSummarySchema } from './usage-summary';

export const MANIFEST_FILE = 'manifest.json';
export const RELEASE_FORMAT = 'parley-release';
export const RELEASE_FORMAT_VERSION = 2;

/** One file of a release, as the manifest pins it. */
export const releaseFileSchema = z.object({
  /** Relative to the run folder, `/`-separated; never leaves it. */
  path: z
    .string()
    .min(1)
    .refine((value) => !value.startsWith('/') && !value.includes('\\') && !value.split('/').includes('..'), {
      error: 'expected a relative path inside the run folder',
    }),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Newline characters in the file. */
  lines: z.number().int().nonnegative(),
  /** Records: JSONL lines, CSV rows (a CSV row can span lines); absent for other files. */
  records: z.number().int().nonnegative().optional(),
});
export type ReleaseFile = z.infer<typeof releaseFileSchema>;

const workFileStatsSchema = z.object({
  files: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  records: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  conflictingDuplicates: z.number().int().nonnegative(),
  truncatedLines: z.number().int().nonnegative(),
  recoveredLines: z.number().int().nonnegative(),
  corruptLines: z.number().int().nonnegative(),
});

/** Released conversations per split; `excluded`: those of pairs kept out of every split. */
const splitCountsSchema = z.object({
  train: z.number().int().nonnegative(),
  validation: z.number().int().nonnegative(),
  test: z.number().int().nonnegative(),
  excluded: z.number().int().nonnegative(),
});

/** manifest.json: what a release is, how it was made, and the hash of every file in it. */
export const releaseManifestSchema = z.object({
  format: z.literal(RELEASE_FORMAT),
  formatVersion: z.literal(RELEASE_FORMAT_VERSION),
  runId: z.string().min(1),
  /** Written last: a release whose manifest is missing or says false is not complete. */
  complete: z.boolean(),
  /** The run config, base URLs stripped of credentials. */
  config: runConfigSchema,
  /** sha256 of the canonical JSON (sorted keys, no spaces) of the config as the run used it. */
  configFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  seedFormat: seedFormatSchema,
  versions: releaseVersionsSchema,
  models: z.record(z.string(), releaseModelSchema),
  /** Splits by profile: fractions from the config, the rule, what it did, conversations per split. */
  split: z.object({
    fractions: z.object({
      train: z.number().min(0).max(1),
      valid: z.number().min(0).max(1),
      test: z.number().min(0).max(1),
    }),
    rule: z.string().min(1),
    assignment: splitAssignmentStatsSchema,
    counts: splitCountsSchema,
  }),
  /** How the plan used pairs.jsonl (repeats when it holds fewer pairs than planned per iteration). */
  pairs: pairUsageSchema,
  provenance: provenanceSchema,
  /** Things a user of the data should know, each counted (pairs repeated, pairs left out of splits). */
  warnings: z.array(z.string()),
  /** Set when this release was made from another release (filter, critique). */
  derivedFrom: derivedFromSchema.optional(),
  iterations: z.array(iterationStatisticsSchema),
  totals: releaseTotalsSchema,
  usage: usageSummarySchema,
  timings: releaseTimingsSchema,
  /** What reading the run's `.work` files found, and every line left out or repaired. */
  input: z.object({
    accepted: workFileStatsSchema,
    rejected: workFileStatsSchema,
    problems: z.array(z.string()),
    /** Problems beyond those listed. */
    problemsOmitted: z.number().int().nonnegative(),
  }),
  files: z.array(releaseFileSchema),
});
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

/** Reads and validates `<runFolder>/manifest.json`; an InputError names the file and the bad field. */
export async function readReleaseManifest(runFolder: string): Promise<ReleaseManifest> {
  const file = path.join(runFolder, MANIFEST_FILE);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no manifest: the release was never completed'
        : `cannot read the manifest (${(error as Error).message})`;
    throw new InputError(file, reason, { code: 'RELEASE_MANIFEST_INVALID', cause: error });
  }
  const result = releaseManifestSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InputError(file, `not a valid release manifest: ${problems.join('; ')}`, {
      code: 'RELEASE_MANIFEST_INVALID',
    });
  }
  return result.data;
}
