import { z } from 'zod';
import {
  type ConversationEntry,
  type ConversationSource,
  findConversationSource,
  LineReadStats,
  type LineSelection,
  readConversationEntries,
} from './conversation-lines';
import { reasonKeys } from './reason-key';

/** What a listing can be narrowed to. `rejected` is every candidate that lost (filtered or outvoted). */
export const CONVERSATION_OUTCOMES = [
  'accepted',
  'rejected',
  'filtered',
  'lost-vote',
  'failed',
  'unparseable',
] as const;
export type ConversationOutcomeFilter = (typeof CONVERSATION_OUTCOMES)[number];

export const CONVERSATION_SPLITS = ['train', 'validation', 'test', 'none'] as const;

export const DEFAULT_PAGE_SIZE = 25;

/** Lines looked at, at most, for one page: a filter that matches nothing stops here. */
export const MAX_SCANNED_LINES = 1_000_000;

// An empty parameter (`?expert=`) means no filter, as a cleared form field would send it.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** The browser's query string, for the page and its JSON twin alike. */
export const conversationQuerySchema = z.object({
  outcome: optional(
    z.enum(CONVERSATION_OUTCOMES, { error: `expected one of ${CONVERSATION_OUTCOMES.join(', ')}` }),
  ),
  expert: optional(
    z.string({ error: 'expected one expert name' }).regex(/^[\w.:-]{1,64}$/, {
      error: 'expected an expert name (letters, digits, ., :, _ and -)',
    }),
  ),
  iteration: optional(
    z.coerce
      .number({ error: 'expected an iteration number' })
      .int({ error: 'expected an iteration number' })
      .positive({ error: 'expected an iteration number' }),
  ),
  split: optional(
    z.enum(CONVERSATION_SPLITS, { error: `expected one of ${CONVERSATION_SPLITS.join(', ')}` }),
  ),
  /** A normalised rejection reason, as the run page lists them (reason-key.ts). */
  reason: optional(z.string({ error: 'expected one reason' }).max(300, { error: 'at most 300 characters' })),
  page: z.coerce
    .number({ error: 'expected a page number' })
    .int({ error: 'expected a page number' })
    .min(1, { error: 'pages start at 1' })
    .max(100_000, { error: 'at most page 100000' })
    .default(1),
  pageSize: z.coerce
    .number({ error: 'expected a page size' })
    .int({ error: 'expected a page size' })
    .min(1, { error: 'at least 1' })
    .max(100, { error: 'at most 100' })
    .default(DEFAULT_PAGE_SIZE),
});
export type ConversationQuery = z.infer<typeof conversationQuerySchema>;

/** One page of a run's conversations. */
export interface ConversationPage {
  source: ConversationSource['kind'];
  query: ConversationQuery;
  entries: ConversationEntry[];
  /** At least one more entry matches after this page (found by reading one entry further). */
  more: boolean;
  /** Lines looked at to fill the page. */
  scannedLines: number;
  /** The page stopped at MAX_SCANNED_LINES before it was full. */
  scanCapped: boolean;
  /** Lines that could not be read as a record (a half-written last line during a run). */
  unreadableLines: number;
  unreadableLocations: string[];
  /** Repeated lines of the work files left out. */
  duplicates: number;
}

/**
 * One page of a run's accepted and rejected conversations matching `query`, read as streams:
 * lines before the page are matched and skipped, reading stops one match past the page (so
 * `more` needs no count of everything), and a line that cannot match is skipped before it is
 * parsed.
 */
export async function browseConversations(
  runFolder: string,
  query: ConversationQuery,
): Promise<ConversationPage> {
  const source = await findConversationSource(runFolder);
  const stats = new LineReadStats();
  const skip = (query.page - 1) * query.pageSize;
  const entries: ConversationEntry[] = [];
  let matched = 0;
  let more = false;
  let scanCapped = false;
  const stream = readConversationEntries(source, lineSelection(query), stats);
  try {
    for await (const entry of stream) {
      if (stats.lines > MAX_SCANNED_LINES) {
        scanCapped = true;
        break;
      }
      if (!matchesQuery(entry, query)) continue;
      matched += 1;
      if (matched <= skip) continue;
      if (entries.length === query.pageSize) {
        more = true;
        break;
      }
      entries.push(entry);
    }
  } finally {
    await stream.return(undefined);
  }
  return {
    source: source.kind,
    query,
    entries,
    more,
    scannedLines: stats.lines,
    scanCapped,
    unreadableLines: stats.unreadable,
    unreadableLocations: stats.locations,
    duplicates: stats.duplicates,
  };
}

/** Which files to open and what a matching line must contain, from the query. */
export function lineSelection(query: ConversationQuery): LineSelection {
  const outcome = query.outcome;
  const mustContain: string[] = [];
  // Compact JSON (as every writer of these files emits it) spells each field this way.
  if (query.expert) mustContain.push(`"expert":${JSON.stringify(query.expert)}`);
  if (query.iteration !== undefined) mustContain.push(`"iteration":${query.iteration}`);
  if (query.split && query.split !== 'none') mustContain.push(`"split":${JSON.stringify(query.split)}`);
  if (outcome === 'filtered' || outcome === 'lost-vote' || outcome === 'failed') {
    mustContain.push(`"outcome":${JSON.stringify(outcome)}`);
  }
  if (outcome === 'unparseable') mustContain.push('"unparseable":true');
  return {
    // A reason belongs to rejected lines only.
    accepted:
      query.reason === undefined &&
      (outcome === undefined || outcome === 'accepted' || outcome === 'unparseable'),
    rejected: outcome !== 'accepted',
    iteration: query.iteration,
    mustContain,
  };
}

/**
 * Whether an entry matches every filter given. `expert`: a rejected candidate matches when
 * that expert rejected it, an accepted conversation when it carries that expert's verdict
 * (with `outcome=unparseable`: when that expert's answer could not be read). `split=none`:
 * lines in no split (during a run, before the release assigns splits, every line).
 */
export function matchesQuery(entry: ConversationEntry, query: ConversationQuery): boolean {
  const { record } = entry;
  if (query.iteration !== undefined && record.iteration !== query.iteration) return false;
  if (query.split !== undefined) {
    const split = record.split ?? 'none';
    if (split !== query.split) return false;
  }
  if (!matchesOutcome(entry, query.outcome)) return false;
  if (query.expert !== undefined && !matchesExpert(entry, query.expert, query.outcome)) return false;
  if (query.reason !== undefined) {
    if (entry.kind !== 'rejected' || !reasonKeys(entry.record.reason).includes(query.reason)) return false;
  }
  return true;
}

function matchesOutcome(entry: ConversationEntry, outcome: ConversationOutcomeFilter | undefined): boolean {
  switch (outcome) {
    case undefined:
      return true;
    case 'accepted':
      return entry.kind === 'accepted';
    case 'rejected':
      return entry.kind === 'rejected' && entry.record.outcome !== 'failed';
    case 'filtered':
    case 'lost-vote':
    case 'failed':
      return entry.kind === 'rejected' && entry.record.outcome === outcome;
    case 'unparseable':
      return entry.record.verdicts.some((verdict) => verdict.unparseable === true);
  }
}

function matchesExpert(
  entry: ConversationEntry,
  expert: string,
  outcome: ConversationOutcomeFilter | undefined,
): boolean {
  if (outcome === 'unparseable') {
    return entry.record.verdicts.some((verdict) => verdict.expert === expert && verdict.unparseable === true);
  }
  if (entry.kind === 'rejected') return entry.record.expert === expert;
  return entry.record.verdicts.some((verdict) => verdict.expert === expert);
}

/** The expert whose verdict rejected this candidate, when it was a filter's. */
export function rejectingVerdict(entry: ConversationEntry) {
  if (entry.kind !== 'rejected' || !entry.record.expert) return undefined;
  const expert = entry.record.expert;
  return entry.record.verdicts.find((verdict) => verdict.expert === expert && verdict.passed === false);
}
