import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  type IterationCounters,
  profilePairSchema,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import { readReleaseManifest, verifyRelease } from '@parley/scheduler';

/** What a release says about every pair a run planned. */
export interface ReleaseAccount {
  runId: string;
  pairsExpected: number;
  /** Distinct planned pairs with an outcome: accepted, or rejected/failed with a reason. */
  pairsAccounted: number;
  /** Repeated conversation ids, pairs accepted twice in one iteration, repeated rejected lines. */
  duplicates: number;
  /** Planned pairs with no outcome in the release (or counted in Redis but missing from it). */
  lost: number;
  acceptedPairs: number;
  rejectedPairs: number;
  /** Pairs whose every line is `failed` (retries exhausted), each with a reason. */
  failedPairs: number;
  /** Sample reasons of failed pairs. */
  failureReasons: string[];
  /** Repeated `.work` lines the release writer absorbed: at-least-once redeliveries. */
  redeliveries: number;
  problems: string[];
  accepted: AcceptedConversation[];
  rejected: RejectedCandidate[];
}

export interface AccountOptions {
  runId: string;
  /** Pairs planned per iteration (index 0 = iteration 1). */
  plannedPerIteration: number[];
  /** The run's Redis counters; when given, the release must agree with them pair for pair. */
  counters?: IterationCounters[];
}

/**
 * Accounts for every planned pair of a run from its release alone, independently of the
 * release writer: verifyRelease (manifest, sha256s, splits), then per iteration the distinct
 * pairs with an outcome, repeats of any kind, pair ids that are not the run's, and agreement
 * with the Redis counters (which move exactly once per pair).
 */
export async function accountRelease(runFolder: string, options: AccountOptions): Promise<ReleaseAccount> {
  const problems: string[] = [];
  const verification = await verifyRelease(runFolder);
  problems.push(...verification.problems.map((problem) => `verifyRelease: ${problem}`));

  const accepted = await readJsonl(path.join(runFolder, 'conversations.jsonl'), (value) =>
    acceptedConversationSchema.parse(value),
  ).catch((error: Error) => {
    problems.push(`conversations.jsonl: ${error.message}`);
    return [] as AcceptedConversation[];
  });
  const rejected = await readJsonl(path.join(runFolder, 'rejected.jsonl'), (value) =>
    rejectedCandidateSchema.parse(value),
  ).catch((error: Error) => {
    problems.push(`rejected.jsonl: ${error.message}`);
    return [] as RejectedCandidate[];
  });
  const pairIds = await readPairIds(path.join(runFolder, 'pairs.jsonl')).catch((error: Error) => {
    problems.push(`pairs.jsonl: ${error.message}`);
    return new Set<string>();
  });

  let duplicates = 0;
  const ids = new Set<string>();
  for (const conversation of accepted) {
    if (ids.has(conversation.id)) {
      duplicates++;
      problems.push(`conversations.jsonl: ${conversation.id} appears more than once`);
    }
    ids.add(conversation.id);
    if (conversation.run !== options.runId)
      problems.push(`conversations.jsonl: ${conversation.id} belongs to run ${conversation.run}`);
  }
  const rejectedKeys = new Set<string>();
  for (const line of rejected) {
    const key = `${line.iteration}.${line.pair}.${line.candidate ?? 'pair'}|${line.outcome}`;
    if (rejectedKeys.has(key)) {
      duplicates++;
      problems.push(`rejected.jsonl: ${key} appears more than once`);
    }
    rejectedKeys.add(key);
    if (line.run !== options.runId) problems.push(`rejected.jsonl: a line of run ${line.run}`);
    if (line.reason.trim() === '') problems.push(`rejected.jsonl: ${key} has no reason`);
  }

  let accounted = 0;
  let lost = 0;
  let acceptedPairs = 0;
  let rejectedPairs = 0;
  let failedPairs = 0;
  const failureReasons: string[] = [];
  options.plannedPerIteration.forEach((planned, index) => {
    const iteration = index + 1;
    const winners = new Map<string, number>();
    for (const conversation of accepted.filter((line) => line.iteration === iteration))
      winners.set(conversation.pair, (winners.get(conversation.pair) ?? 0) + 1);
    for (const [pair, count] of winners) {
      if (count > 1) {
        duplicates += count - 1;
        problems.push(`iteration ${iteration}: pair ${pair} accepted ${count} times`);
      }
    }
    const linesByPair = new Map<string, RejectedCandidate[]>();
    for (const line of rejected.filter((entry) => entry.iteration === iteration)) {
      if (winners.has(line.pair)) continue;
      linesByPair.set(line.pair, [...(linesByPair.get(line.pair) ?? []), line]);
    }
    for (const [pair, lines] of linesByPair) {
      if (lines.every((line) => line.outcome === 'failed')) {
        failedPairs++;
        if (failureReasons.length < 5) failureReasons.push(`${pair}: ${lines[0]!.reason}`);
      }
    }
    const outcomes = [...winners.keys(), ...linesByPair.keys()];
    for (const pair of outcomes) {
      if (pairIds.size > 0 && !pairIds.has(pair.replace(/-r\d+$/, '')))
        problems.push(`iteration ${iteration}: pair ${pair} is not one of the run's pairs`);
    }
    if (outcomes.length > planned)
      problems.push(
        `iteration ${iteration}: ${outcomes.length} pairs have outcomes, ${planned} were planned`,
      );
    accounted += Math.min(planned, outcomes.length);
    lost += Math.max(0, planned - outcomes.length);
    acceptedPairs += winners.size;
    rejectedPairs += linesByPair.size;

    const counter = options.counters?.[index];
    if (counter) {
      // The counters move once per pair, atomically with its settled mark: a pair counted
      // there but missing here was settled and then lost on the way to the release.
      if (counter.accepted !== winners.size)
        problems.push(
          `iteration ${iteration}: Redis counts ${counter.accepted} accepted, the release ${winners.size}`,
        );
      if (counter.rejected + counter.failed !== linesByPair.size)
        problems.push(
          `iteration ${iteration}: Redis counts ${counter.rejected + counter.failed} rejected or failed, the release ${linesByPair.size}`,
        );
    }
  });

  let redeliveries = 0;
  try {
    const manifest = await readReleaseManifest(runFolder);
    redeliveries = manifest.input.accepted.duplicates + manifest.input.rejected.duplicates;
  } catch {
    // reported by verifyRelease
  }

  return {
    runId: options.runId,
    pairsExpected: options.plannedPerIteration.reduce((sum, planned) => sum + planned, 0),
    pairsAccounted: accounted,
    duplicates,
    lost,
    acceptedPairs,
    rejectedPairs,
    failedPairs,
    failureReasons,
    redeliveries,
    problems,
    accepted,
    rejected,
  };
}

async function readJsonl<T>(file: string, parse: (value: unknown) => T): Promise<T[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return parse(JSON.parse(line));
      } catch (error) {
        throw new Error(`line ${index + 1}: ${(error as Error).message.slice(0, 200)}`);
      }
    });
}

async function readPairIds(file: string): Promise<Set<string>> {
  const pairs = await readJsonl(file, (value) => profilePairSchema.parse(value));
  return new Set(pairs.map((pair) => pair.id));
}
