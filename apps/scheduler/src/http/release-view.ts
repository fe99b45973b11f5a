import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '@parley/core';
import { RELEASE_PATHS } from '../release/release-layout';
import { MANIFEST_FILE, type ReleaseManifest, readReleaseManifest } from '../release/release-manifest';

/** The two release files the dashboard serves, by fixed name, from a run folder. */
export const SERVED_RELEASE_FILES = [RELEASE_PATHS.manifest, RELEASE_PATHS.readme] as const;
export type ServedReleaseFile = (typeof SERVED_RELEASE_FILES)[number];

/** Manifests remembered at most (one per run folder looked at). */
const MAX_CACHED = 500;

/** What the dashboard says of a run's release. */
export type ReleaseView =
  | {
      /** manifest.json exists and is valid: the release is complete. */
      state: 'written';
      counts: ReleaseCounts;
      links: { manifest: string; card: string };
    }
  /** Before the last iteration ended, or while the scheduler writes it. */
  | { state: 'pending' | 'writing' }
  /** The run ended without one (failed or cancelled). */
  | { state: 'none'; reason: string }
  /** The run completed but this server cannot see the folder (another machine's disk). */
  | { state: 'not-visible' }
  | { state: 'invalid'; problem: string };

export interface ReleaseCounts {
  conversations: number;
  pairsPlanned: number;
  accepted: number;
  rejected: number;
  failed: number;
  unsettled: number;
  acceptanceRate: number;
  /** Lines of rejected.jsonl: every dropped candidate and failed pair. */
  rejectedLines: number;
  /** Conversations per split of the SPC export (the names the manifest uses). */
  split: Record<string, number>;
  files: number;
  bytes: number;
}

/** Where the dashboard serves a run's release file (fixed names only; see run-files.ts). */
export function releaseFileLink(runId: string, file: ServedReleaseFile): string {
  return `/runs/${encodeURIComponent(runId)}/files/${file}`;
}

/**
 * Reads what a run's release holds, from its manifest. A manifest is parsed once per change (by
 * modification time and size), so a page that refreshes every two seconds does not re-read it.
 */
export class ReleaseReader {
  private readonly cache = new Map<string, { key: string; counts: ReleaseCounts }>();

  async read(run: RunRecord): Promise<ReleaseView> {
    const file = path.join(run.runFolder, MANIFEST_FILE);
    const found = await stat(file).catch(() => undefined);
    if (!found?.isFile()) return this.withoutManifest(run);
    const key = `${found.mtimeMs}:${found.size}`;
    let cached = this.cache.get(run.runFolder);
    if (cached?.key !== key) {
      let manifest: ReleaseManifest;
      try {
        manifest = await readReleaseManifest(run.runFolder);
      } catch (error) {
        return { state: 'invalid', problem: (error as Error).message };
      }
      cached = { key, counts: countsOf(manifest) };
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(run.runFolder, cached);
    }
    return {
      state: 'written',
      counts: cached.counts,
      links: {
        manifest: releaseFileLink(run.id, 'manifest.json'),
        card: releaseFileLink(run.id, 'README.md'),
      },
    };
  }

  private async withoutManifest(run: RunRecord): Promise<ReleaseView> {
    switch (run.status) {
      case 'pending':
      case 'running':
        return { state: 'pending' };
      case 'releasing':
        return { state: 'writing' };
      case 'failed':
        return { state: 'none', reason: 'the run failed, so no release was written' };
      case 'cancelled':
        return { state: 'none', reason: 'the run was cancelled before its release' };
      case 'completed':
        return (await stat(run.runFolder).catch(() => undefined))
          ? { state: 'invalid', problem: `${MANIFEST_FILE} is missing from the run folder` }
          : { state: 'not-visible' };
    }
  }
}

function countsOf(manifest: ReleaseManifest): ReleaseCounts {
  const { totals } = manifest;
  const rejectedFile = manifest.files.find((file) => file.path === RELEASE_PATHS.rejected);
  return {
    conversations: totals.candidates.accepted,
    pairsPlanned: totals.pairsPlanned,
    accepted: totals.accepted,
    rejected: totals.rejected,
    failed: totals.failed,
    unsettled: totals.unsettled,
    acceptanceRate: totals.acceptanceRate,
    rejectedLines: rejectedFile?.records ?? rejectedFile?.lines ?? 0,
    split: { ...manifest.split.counts },
    files: manifest.files.length,
    bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
  };
}
