import { type ReadSeedOptions, readSeed } from './read-seed';
import type { SeedReadReport } from './seed-read-report';
import { QUIRK_KINDS, type QuirkKind, type SeedFileFormat } from './seed-record';

/** Counts per speaker. */
export interface SpeakerCounts {
  user1: number;
  user2: number;
  /** Null-speaker turns, or conversations where nobody speaks. */
  none: number;
}

/** What `parley seeds inspect` shows about a seed file. */
export interface SeedInspection {
  file: string;
  format: SeedFileFormat | null;
  formatDetected: boolean;
  mode: 'strict' | 'lenient';
  conversations: number;
  turns: number;
  turnsBySpeaker: SpeakerCounts;
  /** Distinct persona sentences over both sides (trimmed, exact text). */
  personaAttributes: number;
  /** Distinct persona sets (order-insensitive); an empty persona is not a profile. */
  profiles: number;
  /** Who has the first turn with a speaker. */
  firstSpeaker: SpeakerCounts;
  /** Every quirk kind, zero when absent. */
  quirks: Record<QuirkKind, { records: number; occurrences: number }>;
  recordsSkipped: number;
  skipped: SeedReadReport['skipped'];
  limitReached: boolean;
}

/** Reads a whole seed file and summarises it. Strict mode throws at the first bad record. */
export async function inspectSeed(file: string, options: ReadSeedOptions = {}): Promise<SeedInspection> {
  const reader = readSeed(file, options);
  const attributes = new Set<string>();
  const profiles = new Set<string>();
  const turnsBySpeaker: SpeakerCounts = { user1: 0, user2: 0, none: 0 };
  const firstSpeaker: SpeakerCounts = { user1: 0, user2: 0, none: 0 };
  let turns = 0;
  for await (const { conversation } of reader) {
    for (const persona of [conversation.user1Persona, conversation.user2Persona]) {
      for (const attribute of persona) attributes.add(attribute);
      if (persona.length > 0) profiles.add(JSON.stringify([...persona].sort()));
    }
    turns += conversation.turns.length;
    for (const turn of conversation.turns) turnsBySpeaker[turn.speaker ?? 'none'] += 1;
    firstSpeaker[conversation.turns.find((turn) => turn.speaker !== null)?.speaker ?? 'none'] += 1;
  }
  const { report } = reader;
  const quirks = Object.fromEntries(
    QUIRK_KINDS.map((kind) => [
      kind,
      { records: report.quirks[kind]?.records ?? 0, occurrences: report.quirks[kind]?.occurrences ?? 0 },
    ]),
  ) as SeedInspection['quirks'];
  return {
    file,
    format: report.format,
    formatDetected: report.formatDetected,
    mode: report.mode,
    conversations: report.recordsRead,
    turns,
    turnsBySpeaker,
    personaAttributes: attributes.size,
    profiles: profiles.size,
    firstSpeaker,
    quirks,
    recordsSkipped: report.recordsSkipped,
    skipped: report.skipped,
    limitReached: report.limitReached,
  };
}
