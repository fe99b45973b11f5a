import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import { readSeed } from '@parley/dataset';
import { readReleaseManifest, verifyRelease } from '@parley/scheduler';
import { expect } from 'vitest';

export async function readJsonl<T>(file: string, parse: (value: unknown) => T): Promise<T[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => parse(JSON.parse(line)));
}

export interface ReleaseContents {
  accepted: AcceptedConversation[];
  rejected: RejectedCandidate[];
}

/**
 * The release guarantees every e2e test checks: the manifest verifies (sha256s, completeness),
 * every planned pair of every iteration is accounted for exactly once (accepted in
 * conversations.jsonl, or only in rejected.jsonl as rejected/failed with a reason), no
 * conversation twice, every pair resolves in pairs.jsonl, no profile is in two splits, the
 * release folder holds no work files, and the SPC CSVs (non-empty splits only) read back
 * through our own reader.
 */
export async function expectCompleteRelease(
  runFolder: string,
  pairsPerIteration: number[],
): Promise<ReleaseContents> {
  const verification = await verifyRelease(runFolder);
  expect(verification.problems).toEqual([]);
  expect(verification.ok).toBe(true);
  const manifest = await readReleaseManifest(runFolder);
  expect(manifest.complete).toBe(true);

  const accepted = await readJsonl(path.join(runFolder, 'conversations.jsonl'), (value) =>
    acceptedConversationSchema.parse(value),
  );
  const rejected = await readJsonl(path.join(runFolder, 'rejected.jsonl'), (value) =>
    rejectedCandidateSchema.parse(value),
  );
  expect(new Set(accepted.map((conversation) => conversation.id)).size).toBe(accepted.length);

  pairsPerIteration.forEach((planned, index) => {
    const iteration = index + 1;
    const acceptedPairs = accepted.filter((c) => c.iteration === iteration).map((c) => c.pair);
    expect(new Set(acceptedPairs).size, `iteration ${iteration}: a pair accepted twice`).toBe(
      acceptedPairs.length,
    );
    const rejectedOnly = new Set(
      rejected.filter((r) => r.iteration === iteration && !acceptedPairs.includes(r.pair)).map((r) => r.pair),
    );
    for (const line of rejected.filter((r) => r.iteration === iteration))
      expect(line.reason.length).toBeGreaterThan(0);
    expect(acceptedPairs.length + rejectedOnly.size, `iteration ${iteration}: pairs accounted for`).toBe(
      planned,
    );
  });

  const pairIds = new Set(
    (await readJsonl(path.join(runFolder, 'pairs.jsonl'), (value) => value as { id: string })).map(
      (pair) => pair.id,
    ),
  );
  const profileSplit = new Map<string, string>();
  for (const conversation of accepted) {
    expect(pairIds.has(conversation.profilePair ?? ''), `${conversation.pair} resolves in pairs.jsonl`).toBe(
      true,
    );
    expect(conversation.split, `${conversation.id} has a split field`).not.toBeUndefined();
    if (!conversation.split) continue;
    for (const profile of [conversation.user1Profile, conversation.user2Profile]) {
      expect(profile).toBeDefined();
      expect(
        profileSplit.get(profile as string) ?? conversation.split,
        `profile ${profile} in two splits`,
      ).toBe(conversation.split);
      profileSplit.set(profile as string, conversation.split);
    }
  }
  for (const line of rejected) expect(pairIds.has(line.profilePair ?? ''), line.pair).toBe(true);
  expect(await readdir(runFolder)).not.toContain('.work');

  let fromCsv = 0;
  const counts = manifest.split.counts;
  const spcFiles = { train: counts.train, valid: counts.validation, test: counts.test };
  for (const [split, count] of Object.entries(spcFiles)) {
    if (count === 0) {
      await expect(readFile(path.join(runFolder, 'spc', `${split}.csv`))).rejects.toThrow(/ENOENT/);
      continue;
    }
    const reader = readSeed(path.join(runFolder, 'spc', `${split}.csv`), {
      format: 'spc-csv',
      mode: 'strict',
    });
    for await (const record of reader) {
      const original = accepted.find(
        (conversation) =>
          conversation.turns.map((turn) => turn.text).join('\n') ===
          record.conversation.turns.map((turn) => turn.text).join('\n'),
      );
      expect(original, `an SPC row of ${split}.csv matches no accepted conversation`).toBeDefined();
      expect(record.conversation.user1Persona).toEqual(original!.user1Persona);
      fromCsv++;
    }
  }
  expect(fromCsv).toBe(accepted.length - counts.excluded);
  return { accepted, rejected };
}
