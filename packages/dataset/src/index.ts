export { AtomicFileWriter } from './atomic-file-writer';
export { AtomicJsonlWriter, type AtomicJsonlWriterOptions } from './atomic-jsonl-writer';
export { findConversationQuirks, findPlaceholders, isStageDirection, shorten } from './conversation-quirks';
export { detectSeedFormat, detectSeedFormatFromText } from './detect-seed-format';
export { inspectSeed, type SeedInspection, type SpeakerCounts } from './inspect-seed';
export { pathExists } from './path-exists';
export { DEFAULT_READ_SEED_OPTIONS, type ReadSeedOptions, readSeed, SeedReader } from './read-seed';
export { seedId, seedIdStem } from './seed-id';
export {
  type QuirkSummary,
  REPORT_SAMPLE_LIMIT,
  type SeedProblem,
  type SeedReadReport,
  type SkipSummary,
} from './seed-read-report';
export {
  QUIRK_KINDS,
  type Quirk,
  type QuirkKind,
  type SeedFileFormat,
  type SeedLocation,
  type SeedRecord,
  SKIP_REASONS,
  type SkipReason,
} from './seed-record';
export {
  formatSpcConversation,
  formatSpcPersona,
  type ParsedSpcConversation,
  parseSpcConversation,
  parseSpcPersona,
} from './spc-cell-text';
export { SPC_COLUMNS } from './spc-columns';
export { SpcCsvWriter } from './spc-csv-writer';
export { quoteCsvField, SPC_ROW_END, spcCsvHeader, toSpcCsv, toSpcCsvRow } from './to-spc-csv';
export { writeFileAtomic } from './write-file-atomic';
