import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@parley/core';
import {
  CLOSING_LINES,
  FOLLOW_UP_QUESTIONS,
  OPENING_LINES,
  PERSONA_QUESTIONS,
  PERSONA_SENTENCES,
  RATIONALE_LINES,
  REACTION_LINES,
  SMALL_TALK_LINES,
} from './built-in-corpus';
import { readCsvRecords } from './read-csv-records';

/** The text the simulator draws its answers from, kept in memory and grouped by use. */
export interface TextCorpus {
  /** First lines of conversations. */
  openings: readonly string[];
  /** Short reactions to what the other speaker said. */
  reactions: readonly string[];
  /** Questions one speaker asks the other. */
  questions: readonly string[];
  /** Statements that carry a conversation along. */
  smallTalk: readonly string[];
  /** Last lines of conversations. */
  closings: readonly string[];
  /** First-person persona sentences. */
  personaSentences: readonly string[];
  /** Questions that persona sentences answer ("What pets do you have?"). */
  personaQuestions: readonly string[];
  /** One-sentence justifications for verdicts. */
  rationales: readonly string[];
  /** Where the text came from: `built-in` or the seed file path. */
  source: string;
}

export function createBuiltInCorpus(): TextCorpus {
  return {
    openings: OPENING_LINES,
    reactions: REACTION_LINES,
    questions: FOLLOW_UP_QUESTIONS,
    smallTalk: SMALL_TALK_LINES,
    closings: CLOSING_LINES,
    personaSentences: PERSONA_SENTENCES,
    personaQuestions: PERSONA_QUESTIONS,
    rationales: RATIONALE_LINES,
    source: 'built-in',
  };
}

/** A seed conversation reduced to what the corpus needs. */
interface SeedRecord {
  personas: string[];
  lines: string[];
}

const SPEAKER_PREFIX = /^\s*(?:User|Speaker)\s*[12]\s*:\s*/i;
// Lines with template placeholders ("[User 1's name]") read badly out of their conversation.
const PLACEHOLDER = /[[\]{}]/;
const MAX_LINE_LENGTH = 240;

/**
 * Reads a seed file into a corpus: the Synthetic-Persona-Chat CSV (`.csv`), Parley JSONL
 * (`.jsonl`, one conversation or persona record a line), or plain text (one line each).
 * The built-in corpus fills whatever the file lacks, so any non-empty file works.
 */
export async function loadTextCorpus(filePath: string): Promise<TextCorpus> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw new InputError(filePath, `cannot read the simulator text source (${(error as Error).message})`, {
      cause: error,
    });
  }
  const extension = path.extname(filePath).toLowerCase();
  const records =
    extension === '.csv'
      ? readSpcCsv(text)
      : extension === '.jsonl' || extension === '.ndjson'
        ? readParleyJsonl(text, filePath)
        : [{ personas: [], lines: text.split(/\r?\n/) }];
  return corpusFromRecords(records, filePath);
}

function readSpcCsv(text: string): SeedRecord[] {
  return readCsvRecords(text).map((record) => ({
    personas: [...splitLines(record['user 1 personas']), ...splitLines(record['user 2 personas'])],
    lines: splitLines(record['Best Generated Conversation']),
  }));
}

function readParleyJsonl(text: string, filePath: string): SeedRecord[] {
  const records: SeedRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${filePath}:${index + 1}`, 'not valid JSON', { cause: error });
    }
    records.push(seedRecordFromJson(value));
  }
  return records;
}

function seedRecordFromJson(value: unknown): SeedRecord {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const strings = (items: unknown) =>
    Array.isArray(items) ? items.filter((item): item is string => typeof item === 'string') : [];
  const personas = [...strings(record['user1Persona']), ...strings(record['user2Persona'])];
  if (typeof record['text'] === 'string') personas.push(record['text']);
  const turns = Array.isArray(record['turns']) ? record['turns'] : [];
  const lines = turns
    .map((turn) =>
      typeof turn === 'object' && turn !== null ? (turn as { text?: unknown }).text : undefined,
    )
    .filter((text): text is string => typeof text === 'string');
  return { personas, lines };
}

function splitLines(cell: string | undefined): string[] {
  return (cell ?? '').split(/\r?\n/);
}

function corpusFromRecords(records: SeedRecord[], source: string): TextCorpus {
  const builtIn = createBuiltInCorpus();
  const openings = new Set<string>();
  const closings = new Set<string>();
  const questions = new Set<string>();
  const smallTalk = new Set<string>();
  const reactions = new Set<string>();
  const personaSentences = new Set<string>();
  for (const record of records) {
    for (const persona of record.personas) {
      const sentence = persona.trim();
      if (sentence && !PLACEHOLDER.test(sentence)) personaSentences.add(sentence);
    }
    const lines = record.lines
      .filter((line) => SPEAKER_PREFIX.test(line) || record.personas.length === 0)
      .map((line) => line.replace(SPEAKER_PREFIX, '').trim())
      .filter((line) => line.length > 1 && line.length <= MAX_LINE_LENGTH && !PLACEHOLDER.test(line));
    lines.forEach((line, index) => {
      if (index === 0) openings.add(line);
      else if (index === lines.length - 1 && lines.length > 2) closings.add(line);
      else if (line.endsWith('?')) questions.add(line);
      else if (line.length < 40) reactions.add(line);
      else smallTalk.add(line);
    });
  }
  // Every group keeps the built-in lines when the file gives it too little to vary.
  const orBuiltIn = (lines: Set<string>, fallback: readonly string[]) =>
    lines.size >= 10 ? [...lines] : [...lines, ...fallback];
  return {
    openings: orBuiltIn(openings, builtIn.openings),
    reactions: orBuiltIn(reactions, builtIn.reactions),
    questions: orBuiltIn(questions, builtIn.questions),
    smallTalk: orBuiltIn(smallTalk, builtIn.smallTalk),
    closings: orBuiltIn(closings, builtIn.closings),
    personaSentences: orBuiltIn(personaSentences, builtIn.personaSentences),
    personaQuestions: builtIn.personaQuestions,
    rationales: builtIn.rationales,
    source,
  };
}
