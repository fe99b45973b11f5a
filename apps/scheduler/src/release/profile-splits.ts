import type { ReleaseSplit } from '@parley/core';
import { z } from 'zod';
import { compareCodeUnits } from './canonical-json';
import { type SplitFractions, unitHash } from './unit-hash';

/** A pair of the run as the split rule sees it: its two profiles and how often the run plans it. */
export interface SplitPair {
  id: string;
  user1: string;
  user2: string;
  /** Conversations the run's whole plan asks of this pair (0: never planned). */
  planned: number;
}

export const SPLIT_ORDER: readonly ReleaseSplit[] = ['train', 'validation', 'test'];

const splitCountsShape = {
  train: z.number().int().nonnegative(),
  validation: z.number().int().nonnegative(),
  test: z.number().int().nonnegative(),
};

/** What the split rule did, for the manifest and the card. */
export const splitAssignmentStatsSchema = z.object({
  /** Groups of profiles linked by planned pairs; each group goes to one split whole. */
  groups: z.number().int().nonnegative(),
  /** Planned conversations of the largest group. */
  largestGroup: z.number().int().nonnegative(),
  /** Planned conversations per split, and those of pairs kept out of every split. */
  planned: z.object({ ...splitCountsShape, excluded: z.number().int().nonnegative() }),
  /** Profiles per split. */
  profiles: z.object(splitCountsShape),
  /** Pairs (of pairs.jsonl) kept out of every split because their profiles were split apart. */
  excludedPairs: z.number().int().nonnegative(),
  /** Held-out splits carved out of a group too large to place whole (cost: `excludedPairs`). */
  carved: z.array(z.enum(['validation', 'test'])),
});
export type SplitAssignmentStats = z.infer<typeof splitAssignmentStatsSchema>;

export interface SplitAssignment {
  /** Pair id (pairs.jsonl) to split; null: kept out of every split. Only planned pairs. */
  pairs: Map<string, ReleaseSplit | null>;
  stats: SplitAssignmentStats;
}

/** The rule in one paragraph, as the card and README state it. */
export const SPLIT_RULE = [
  'Splits hold out profiles: no profile appears in two splits.',
  'Profiles linked by the pairs the run plans form groups; each group goes to one split whole,',
  'largest first, each to the split furthest below its share of planned conversations (ties by',
  'a hash of the group’s first profile id). When a group is too large for the held-out splits to',
  'reach half their share otherwise, validation and test are carved out of it profile by profile',
  '(breadth-first from its profile of lowest hash), and a pair whose two profiles end up in',
  'different splits is kept out of every split (`split: null`), counted as `excludedPairs`.',
  'The rule reads only pairs.jsonl and the config, so a conversation never moves between',
  'releases of the same run.',
].join(' ');

/**
 * Assigns every planned pair to a split so that no profile is in two splits (see
 * {@link SPLIT_RULE}). Deterministic: the same pairs and fractions give the same answer.
 */
export function assignSplits(pairs: readonly SplitPair[], fractions: SplitFractions): SplitAssignment {
  const planned = pairs.filter((pair) => pair.planned > 0);
  const profileIndex = new Map<string, number>();
  const profileIds: string[] = [];
  const indexOf = (id: string): number => {
    let index = profileIndex.get(id);
    if (index === undefined) {
      index = profileIds.length;
      profileIndex.set(id, index);
      profileIds.push(id);
    }
    return index;
  };
  const edges = planned.map((pair) => ({ pair, a: indexOf(pair.user1), b: indexOf(pair.user2) }));
  const parent = Int32Array.from(profileIds, (_, index) => index);
  const find = (index: number): number => {
    while (parent[index] !== index) {
      parent[index] = parent[parent[index] as number] as number;
      index = parent[index] as number;
    }
    return index;
  };
  for (const { a, b } of edges) {
    const rootA = find(a);
    const rootB = find(b);
    if (rootA !== rootB) parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
  }

  interface Group {
    profiles: number[];
    weight: number;
    key: string;
  }
  const groupsByRoot = new Map<number, Group>();
  for (let index = 0; index < profileIds.length; index++) {
    const root = find(index);
    let group = groupsByRoot.get(root);
    if (!group) {
      group = { profiles: [], weight: 0, key: profileIds[index] as string };
      groupsByRoot.set(root, group);
    }
    group.profiles.push(index);
    if (compareCodeUnits(profileIds[index] as string, group.key) < 0) group.key = profileIds[index] as string;
  }
  for (const { pair, a } of edges) (groupsByRoot.get(find(a)) as Group).weight += pair.planned;
  const groups = [...groupsByRoot.values()].sort(
    (x, y) => y.weight - x.weight || unitHash(x.key) - unitHash(y.key) || compareCodeUnits(x.key, y.key),
  );

  const total = planned.reduce((sum, pair) => sum + pair.planned, 0);
  const target: Record<ReleaseSplit, number> = {
    train: fractions.train * total,
    validation: fractions.valid * total,
    test: fractions.test * total,
  };
  const filled: Record<ReleaseSplit, number> = { train: 0, validation: 0, test: 0 };
  const profileSplit = new Array<ReleaseSplit>(profileIds.length).fill('train');
  const groupSplit = new Map<Group, ReleaseSplit>();
  for (const group of groups) {
    const split = placeGroup(group.weight, target, filled);
    groupSplit.set(group, split);
    filled[split] += group.weight;
    for (const profile of group.profiles) profileSplit[profile] = split;
  }

  // A group too large to place whole can starve the held-out splits: carve them out of it.
  const carved: Array<'validation' | 'test'> = [];
  const adjacency = buildAdjacency(profileIds.length, edges);
  for (const split of ['validation', 'test'] as const) {
    const missing = target[split] - filled[split];
    if (target[split] === 0 || missing <= target[split] / 2) continue;
    const largest = groups.find((group) => groupSplit.get(group) === 'train');
    if (!largest || largest.weight <= missing) continue;
    const moved = carve(largest, missing, profileSplit, adjacency, profileIds);
    if (moved.length === 0) continue;
    for (const profile of moved) profileSplit[profile] = split;
    carved.push(split);
  }

  const assignment = new Map<string, ReleaseSplit | null>();
  const stats: SplitAssignmentStats = {
    groups: groups.length,
    largestGroup: groups[0]?.weight ?? 0,
    planned: { train: 0, validation: 0, test: 0, excluded: 0 },
    profiles: { train: 0, validation: 0, test: 0 },
    excludedPairs: 0,
    carved,
  };
  for (const { pair, a, b } of edges) {
    const split = profileSplit[a] === profileSplit[b] ? (profileSplit[a] as ReleaseSplit) : null;
    assignment.set(pair.id, split);
    if (split === null) {
      stats.excludedPairs += 1;
      stats.planned.excluded += pair.planned;
    } else stats.planned[split] += pair.planned;
  }
  for (const split of profileSplit) stats.profiles[split] += 1;
  return { pairs: assignment, stats };
}

/**
 * The split a group goes to: among those it fits into, the one furthest below its share
 * (relative to its target); if it fits nowhere, the one with the most room left.
 */
function placeGroup(
  weight: number,
  target: Record<ReleaseSplit, number>,
  filled: Record<ReleaseSplit, number>,
): ReleaseSplit {
  let best: ReleaseSplit | undefined;
  let bestRoom = Number.NEGATIVE_INFINITY;
  for (const split of SPLIT_ORDER) {
    const room = target[split] - filled[split];
    if (target[split] === 0 || weight > room + 1e-9) continue;
    const relative = room / target[split];
    if (relative > bestRoom) {
      best = split;
      bestRoom = relative;
    }
  }
  if (best) return best;
  let roomiest: ReleaseSplit = 'train';
  for (const split of SPLIT_ORDER) {
    if (target[split] - filled[split] > target[roomiest] - filled[roomiest]) roomiest = split;
  }
  return roomiest;
}

interface Edge {
  pair: SplitPair;
  a: number;
  b: number;
}

function buildAdjacency(
  size: number,
  edges: readonly Edge[],
): Array<Array<{ other: number; weight: number }>> {
  const adjacency = Array.from({ length: size }, () => [] as Array<{ other: number; weight: number }>);
  for (const { pair, a, b } of edges) {
    adjacency[a]?.push({ other: b, weight: pair.planned });
    if (a !== b) adjacency[b]?.push({ other: a, weight: pair.planned });
  }
  return adjacency;
}

/**
 * Profiles of `group` still in train, taken breadth-first (from the one of lowest hash,
 * neighbours in id order) until the pairs among them plan at least `wanted` conversations.
 */
function carve(
  group: { profiles: number[] },
  wanted: number,
  profileSplit: readonly ReleaseSplit[],
  adjacency: ReadonlyArray<ReadonlyArray<{ other: number; weight: number }>>,
  profileIds: readonly string[],
): number[] {
  const available = group.profiles.filter((profile) => profileSplit[profile] === 'train');
  const byHash = [...available].sort(
    (x, y) =>
      unitHash(profileIds[x] as string) - unitHash(profileIds[y] as string) ||
      compareCodeUnits(profileIds[x] as string, profileIds[y] as string),
  );
  const taken = new Set<number>();
  let inside = 0;
  const queue: number[] = [];
  let head = 0;
  for (const start of byHash) {
    if (inside >= wanted) break;
    if (taken.has(start)) continue;
    queue.push(start);
    taken.add(start);
    inside += selfWeight(start, adjacency);
    while (head < queue.length && inside < wanted) {
      const profile = queue[head++] as number;
      const neighbours = [...(adjacency[profile] ?? [])]
        .filter(({ other }) => profileSplit[other] === 'train' && !taken.has(other))
        .sort((x, y) => compareCodeUnits(profileIds[x.other] as string, profileIds[y.other] as string));
      for (const { other } of neighbours) {
        if (taken.has(other)) continue;
        taken.add(other);
        queue.push(other);
        for (const edge of adjacency[other] ?? [])
          if (edge.other !== other && taken.has(edge.other)) inside += edge.weight;
        inside += selfWeight(other, adjacency);
        if (inside >= wanted) break;
      }
    }
  }
  return [...taken];
}

function selfWeight(
  profile: number,
  adjacency: ReadonlyArray<ReadonlyArray<{ other: number; weight: number }>>,
): number {
  return (adjacency[profile] ?? [])
    .filter((edge) => edge.other === profile)
    .reduce((sum, edge) => sum + edge.weight, 0);
}

/** The SPC CSV name of a split (the config's fraction names). */
export function spcNameOf(split: ReleaseSplit): 'train' | 'valid' | 'test' {
  return split === 'validation' ? 'valid' : split;
}
