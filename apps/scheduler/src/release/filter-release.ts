import type { AcceptedConversation, RejectedCandidate, ReleaseSplit } from '@parley/core';
import { z } from 'zod';
import { deriveRelease } from './derive-release';
import { collect, readReleaseConversations, readReleaseRejections } from './release-reader';

/** What `parley release filter` keeps. Every condition given must hold. */
export const releaseFilterSchema = z.strictObject({
  /** Keep conversations whose judge score is at least this. */
  minJudgeScore: z.number().min(0).max(1).optional(),
  /** Keep conversations each of these filter experts passed (`passed: true`). */
  expertsPassed: z.array(z.string().min(1)).optional(),
  /** Keep only these iterations (their rejected lines too). */
  iterations: z.array(z.number().int().positive()).min(1).optional(),
  /** Keep only these splits (their rejected lines too). */
  splits: z
    .array(z.enum(['train', 'validation', 'test']))
    .min(1)
    .optional(),
});
export type ReleaseFilter = z.infer<typeof releaseFilterSchema>;

/** The filter in words, for the new release's card and manifest. */
export function describeFilter(filter: ReleaseFilter): string {
  const parts: string[] = [];
  if (filter.minJudgeScore !== undefined) parts.push(`judge score ≥ ${filter.minJudgeScore}`);
  if (filter.expertsPassed?.length) parts.push(`passed by ${filter.expertsPassed.join(', ')}`);
  if (filter.iterations) parts.push(`iterations ${filter.iterations.join(', ')}`);
  if (filter.splits) parts.push(`splits ${filter.splits.join(', ')}`);
  return parts.length > 0 ? `kept conversations with ${parts.join('; ')}` : 'kept every conversation';
}

/**
 * Writes a new, verified release holding the conversations of `source` that pass `filter`.
 * A conversation the score or expert condition drops is not lost from the record: it moves to
 * rejected.jsonl as `filtered` by the expert `release-filter`, with the reason. Iteration and
 * split conditions select whole pairs (their rejected lines too); pairs planned per iteration
 * then count only the pairs kept.
 */
export async function filterRelease(source: string, target: string, filter: ReleaseFilter) {
  const checked = releaseFilterSchema.parse(filter);
  const inScope = (record: { iteration: number; split?: ReleaseSplit | null | undefined }) =>
    (!checked.iterations || checked.iterations.includes(record.iteration)) &&
    (!checked.splits || (record.split != null && checked.splits.includes(record.split)));
  const accepted: AcceptedConversation[] = [];
  const rejected: RejectedCandidate[] = [];
  for (const conversation of await collect(readReleaseConversations(source))) {
    if (!inScope(conversation)) continue;
    const reason = dropReason(conversation, checked);
    if (reason === undefined) accepted.push(conversation);
    else rejected.push(asFiltered(conversation, reason));
  }
  for (const line of await collect(readReleaseRejections(source))) if (inScope(line)) rejected.push(line);

  let pairsPlanned: Map<number, number> | undefined;
  if (checked.splits) {
    pairsPlanned = new Map();
    const pairs = new Set(
      [...accepted, ...rejected].map((record) => `${record.iteration}\u0000${record.pair}`),
    );
    for (const key of pairs) {
      const iteration = Number(key.split('\u0000')[0]);
      pairsPlanned.set(iteration, (pairsPlanned.get(iteration) ?? 0) + 1);
    }
  }
  return deriveRelease({
    source,
    target,
    operation: 'filter',
    description: describeFilter(checked),
    accepted,
    rejected,
    ...(checked.iterations ? { iterations: checked.iterations } : {}),
    ...(pairsPlanned ? { pairsPlanned } : {}),
  });
}

function dropReason(conversation: AcceptedConversation, filter: ReleaseFilter): string | undefined {
  if (filter.minJudgeScore !== undefined && conversation.judgeScore < filter.minJudgeScore)
    return `judge score ${conversation.judgeScore} below ${filter.minJudgeScore}`;
  for (const expert of filter.expertsPassed ?? []) {
    const verdict = conversation.verdicts.find((candidate) => candidate.expert === expert);
    if (verdict?.passed !== true) return `${expert} did not pass it${verdict ? '' : ' (no verdict)'}`;
  }
  return undefined;
}

/** An accepted conversation the filter dropped, as a rejected.jsonl line. */
function asFiltered(conversation: AcceptedConversation, reason: string): RejectedCandidate {
  const { id, user1Persona, user2Persona, turns } = conversation;
  return {
    run: conversation.run,
    iteration: conversation.iteration,
    pair: conversation.pair,
    candidate: conversation.candidate,
    outcome: 'filtered',
    expert: 'release-filter',
    reason,
    verdicts: conversation.verdicts,
    conversation: { id, user1Persona, user2Persona, turns },
    usage: conversation.usage,
  };
}
