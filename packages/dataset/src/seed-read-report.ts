import type { QuirkKind, SeedFileFormat, SeedLocation, SkipReason } from './seed-record';

/** How many samples of each skip reason and quirk a report keeps. */
export const REPORT_SAMPLE_LIMIT = 5;

/** A location with the reason given there. */
export interface SeedProblem extends SeedLocation {
  message: string;
}

/** Records dropped for one reason. */
export interface SkipSummary {
  count: number;
  /** The first few, in file order. */
  samples: SeedProblem[];
}

/** One quirk kind over the records read. */
export interface QuirkSummary {
  /** Records that have it at least once. */
  records: number;
  /** Times it occurs in all. */
  occurrences: number;
  /** The first few, in file order. */
  samples: SeedProblem[];
}

/** What a read found; filled in as records are read, final once the iteration ends. */
export interface SeedReadReport {
  file: string;
  /** The format read; null until detected. */
  format: SeedFileFormat | null;
  /** True when the format came from content detection rather than the caller. */
  formatDetected: boolean;
  mode: 'strict' | 'lenient';
  /** Records yielded to the caller. */
  recordsRead: number;
  /** Records dropped, all reasons together. */
  recordsSkipped: number;
  skipped: Partial<Record<SkipReason, SkipSummary>>;
  /** Counted over the records yielded. */
  quirks: Partial<Record<QuirkKind, QuirkSummary>>;
  /** The read stopped at `limit` records. */
  limitReached: boolean;
  /** The read ran to its end (limit included) without throwing. */
  complete: boolean;
}

export function createSeedReadReport(file: string, mode: 'strict' | 'lenient'): SeedReadReport {
  return {
    file,
    format: null,
    formatDetected: false,
    mode,
    recordsRead: 0,
    recordsSkipped: 0,
    skipped: {},
    quirks: {},
    limitReached: false,
    complete: false,
  };
}
