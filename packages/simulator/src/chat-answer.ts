import { mixHashes, SeededRandom } from '@parley/core';
import { formatConversationLines, writeConversation } from './conversation-writer';
import { extractPromptFacts } from './prompt-facts';
import { writeGeneratedConversation } from './quality/generated-conversation';
import { judgeAnswer } from './quality/judge-answers';
import { recognizeJudge } from './quality/judge-request';
import type { QualityModel } from './quality/quality-model';
import { generateFromSchema, type JsonSchema } from './schema-value-generator';
import type { TextCorpus } from './text-corpus';
import { TextWriter } from './text-writer';
import { CHARACTERS_PER_TOKEN, truncateToTokens } from './token-count';

/** What a chat request asks for, whichever provider's format it came in. */
export type AnswerFormat =
  | { kind: 'text' }
  | { kind: 'json-object' }
  | { kind: 'json-schema'; schema: JsonSchema };

/** Everything an answer depends on; the same inputs always give the same answer. */
export interface AnswerInput {
  /** The last user message's text (profiles, listed sentences and the question are read from it). */
  lastUserText: string;
  /**
   * The user messages after the last assistant message, in order: the question being asked now,
   * whole (a Generator prompt puts its examples and instructions in one message and the target
   * profiles in the next; a few-shot judge prompt's earlier examples are left out).
   * @defaultValue lastUserText
   */
  userText?: string;
  format: AnswerFormat;
  corpus: TextCorpus;
  seed: number;
  /** Hash of the request body: different requests get different answers. */
  requestHash: number;
  /** Index of the choice when a request asks for several (`n`). */
  choiceIndex: number;
  /** Verdicts of schemas no Critic expert uses. */
  verdictPassRate: number;
  /** The content-aware judges and the Generator's defects. */
  quality: QualityModel;
}

/** The answer as text, or as a JSON value for structured formats. */
export function writeAnswer(input: AnswerInput): { text: string } | { value: unknown } {
  const random = new SeededRandom(mixHashes(input.seed, input.requestHash, input.choiceIndex));
  const writer = new TextWriter(input.corpus, random, extractPromptFacts(input.lastUserText));
  switch (input.format.kind) {
    case 'json-schema': {
      // A Critic expert's question is answered from the conversation it shows.
      const judge = recognizeJudge(input.format.schema);
      const judged = judge && judgeAnswer(judge, input.userText ?? input.lastUserText, input.quality, random);
      if (judged !== undefined) return { value: judged };
      return {
        value: generateFromSchema(input.format.schema, {
          writer,
          verdictPassRate: input.verdictPassRate,
          writeTurns: (limits) =>
            writeGeneratedConversation(writer, input.userText ?? input.lastUserText, input.quality, limits),
        }),
      };
    }
    case 'json-object':
      return { value: jsonObjectAnswer(writer) };
    case 'text':
      return { text: textAnswer(writer) };
  }
}

const ASKS_FOR_PERSONA_SENTENCE =
  /start(?:ing|s)? with ["“']?I["”']? or ["“']?My|first[- ]person sentence|persona (?:sentence|attribute)/i;
const ASKS_FOR_QUESTION =
  /\b(?:write|generate|give|propose|come up with|what is) (?:a|one|the) (?:single )?question\b|\bquestion that\b/i;

function textAnswer(writer: TextWriter): string {
  const facts = writer.facts;
  if (facts.user1Profile.length > 0 && facts.user2Profile.length > 0) {
    const range = facts.turnRange ?? { minimum: 6, maximum: 8 };
    const turns = writeConversation(
      writer,
      { user1: facts.user1Profile, user2: facts.user2Profile },
      writer.random.integer(range.minimum, range.maximum),
    );
    return formatConversationLines(turns);
  }
  if (ASKS_FOR_PERSONA_SENTENCE.test(facts.lastUserText)) return writer.personaSentence();
  if (ASKS_FOR_QUESTION.test(facts.lastUserText)) return writer.personaQuestion();
  return writer.reply();
}

/** `response_format: json_object` carries no schema: answer with the shape the prompt most likely wants. */
function jsonObjectAnswer(writer: TextWriter): Record<string, unknown> {
  const facts = writer.facts;
  if (facts.user1Profile.length > 0 && facts.user2Profile.length > 0) {
    const range = facts.turnRange ?? { minimum: 6, maximum: 8 };
    return {
      turns: writeConversation(
        writer,
        { user1: facts.user1Profile, user2: facts.user2Profile },
        writer.random.integer(range.minimum, range.maximum),
      ),
    };
  }
  return { response: textAnswer(writer) };
}

/**
 * The `malformed` fault: JSON cut off mid-way, the way a model that runs out of tokens or
 * loses track leaves it. Always unparseable.
 */
export function corruptJson(text: string, random: SeededRandom): string {
  const cut = Math.max(1, Math.floor(text.length * (0.3 + random.next() * 0.5)));
  return `${text.slice(0, Math.min(cut, text.length - 1))}…`;
}

const RUNAWAY_FILLER = ' and then we kept talking about it for a while';

/**
 * The `truncated` fault: a model that keeps writing until it hits the output limit. The text
 * is cut inside its last string (JSON ends "Unterminated string", as a real cut answer does)
 * and filled to exactly `limitTokens` tokens.
 */
export function runawayText(full: string, limitTokens: number): string {
  const lastQuote = full.lastIndexOf('"');
  let text = lastQuote > 0 ? full.slice(0, lastQuote) : full;
  const wanted = limitTokens * CHARACTERS_PER_TOKEN;
  while (text.length < wanted) text += RUNAWAY_FILLER;
  return truncateToTokens(text, limitTokens);
}
