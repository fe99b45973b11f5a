import { MANIFEST_FILE } from './release-manifest';
import { SPC_SPLITS, type SpcSplit } from './spc-split';

/** Paths of a release, relative to the run folder and `/`-separated as the manifest lists them. */
export const RELEASE_PATHS = {
  conversations: 'conversations.jsonl',
  rejected: 'rejected.jsonl',
  readme: 'README.md',
  manifest: MANIFEST_FILE,
  iterationsFolder: 'iterations',
  spcFolder: 'spc',
} as const;

/** Files earlier stages write into the run folder; a release pins those present. */
export const STAGE_FILES = ['personas.jsonl', 'queries.jsonl', 'profiles.jsonl', 'pairs.jsonl'] as const;

/** The run's private working state; never part of a release. */
export const WORK_FOLDER = '.work';

export function iterationPath(iteration: number): string {
  return `${RELEASE_PATHS.iterationsFolder}/${iteration}.jsonl`;
}

export function spcPath(split: SpcSplit): string {
  return `${RELEASE_PATHS.spcFolder}/${split}.csv`;
}

export const SPC_PATHS: readonly string[] = SPC_SPLITS.map(spcPath);
