import { readFile } from 'node:fs/promises';
import { InputError } from '@parley/core';
import { detectSeedFormat, readSeed } from '@parley/dataset';
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
 * Reads a seed file into a corpus: any format Parley's seed readers know (detected from the
 * content: SPC CSV, ParlAI text, HF JSON, Parley JSONL), else plain text, one line each. The
 * built-in corpus fills whatever the file lacks, so any non-empty file works.
 */
export async function loadTextCorpus(filePath: string): Promise<TextCorpus> {
  let format: Awaited<ReturnType<typeof detectSeedFormat>>;
  try {
    format = await detectSeedFormat(filePath);
  } catch (error) {
    throw new InputError(filePath, `cannot read the simulator text source (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (format === undefined) {
    const text = await readFile(filePath, 'utf8');
    return corpusFromRecords([{ personas: [], lines: text.split(/\r?\n/) }], filePath);
  }
  const records: SeedRecord[] = [];
  for await (const { conversation } of readSeed(filePath, { format, mode: 'strict' })) {
    records.push({
      personas: [...conversation.user1Persona, ...conversation.user2Persona],
      // Lines without a speaker are scene notes ("(The next day)"), not something anyone says.
      lines: conversation.turns.filter((turn) => turn.speaker !== null).map((turn) => turn.text),
    });
  }
  return corpusFromRecords(records, filePath);
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
