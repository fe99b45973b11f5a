import type { ReleaseSplit } from '@parley/core';
import { spcNameOf } from './profile-splits';
import { MANIFEST_FILE } from './release-manifest';

/** Paths of a release, relative to the run folder and `/`-separated as the manifest lists them. */
export const RELEASE_PATHS = {
  conversations: 'conversations.jsonl',
  rejected: 'rejected.jsonl',
  readme: 'README.md',
  manifest: MANIFEST_FILE,
  iterationsFolder: 'iterations',
  spcFolder: 'spc',
  /** Parquet shards per split, which the card's `configs` point Hugging Face `datasets` at. */
  dataFolder: 'data',
} as const;

/** Files earlier stages write into the run folder; a release pins those present. */
export const STAGE_FILES = ['personas.jsonl', 'queries.jsonl', 'profiles.jsonl', 'pairs.jsonl'] as const;

export function iterationPath(iteration: number): string {
  return `${RELEASE_PATHS.iterationsFolder}/${iteration}.jsonl`;
}

/** `spc/train.csv`, `spc/valid.csv`, `spc/test.csv`: the SPC names (validation is `valid`). */
export function spcPath(split: ReleaseSplit): string {
  return `${RELEASE_PATHS.spcFolder}/${spcNameOf(split)}.csv`;
}
