/**
 * What the simulator reads out of a prompt so that its answers fit it: the two profiles of a
 * conversation request, listed persona sentences, the question asked, and requested turn counts.
 * Deliberately shallow (line patterns, no NLP): it must cost microseconds per request.
 */
export interface PromptFacts {
  /** Sentences under `User 1 Profile:` in the last user message; empty when absent. */
  user1Profile: string[];
  /** Sentences under `User 2 Profile:` in the last user message; empty when absent. */
  user2Profile: string[];
  /** Every `- ` / `* ` / `1. ` list item of the last user message (persona sentences, examples). */
  listItems: string[];
  /** The last line of the last user message that ends with `?`, if any. */
  question: string | undefined;
  /** Turn bounds the prompt asks for ("more than 5 and fewer than 8 turns"). */
  turnRange: { minimum: number; maximum: number } | undefined;
  /** The last user message, whole. */
  lastUserText: string;
}

const PROFILE_HEADER =
  /^\s*(?:#+\s*)?(?:\*\*)?user\s*([12])(?:'s)?\s*(?:profile|persona|personas)\b[^:\n]*:\s*(.*)$/i;
const LIST_ITEM = /^\s*(?:[-*•]|\d+[.)])\s+(.+?)\s*$/;

export function extractPromptFacts(lastUserText: string): PromptFacts {
  const user1Profile: string[] = [];
  const user2Profile: string[] = [];
  const listItems: string[] = [];
  let question: string | undefined;
  let current: string[] | undefined;
  for (const line of lastUserText.split('\n')) {
    const header = PROFILE_HEADER.exec(line);
    if (header) {
      current = header[1] === '1' ? user1Profile : user2Profile;
      // Few-shot examples come first and carry profiles too: the last block of each user wins.
      current.length = 0;
      // Some prompts put the profile on the header line itself.
      if (header[2]!.trim()) current.push(...splitInline(header[2]!));
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      listItems.push(item[1]!);
      current?.push(item[1]!);
      continue;
    }
    if (line.trim() === '') {
      if (current && current.length > 0) current = undefined;
      continue;
    }
    current = undefined;
    const trimmed = line.trim();
    if (trimmed.endsWith('?')) question = trimmed.replace(/^(?:query|question)\s*:\s*/i, '');
  }
  return {
    user1Profile,
    user2Profile,
    listItems,
    question,
    turnRange: findTurnRange(lastUserText),
    lastUserText,
  };
}

function splitInline(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}

const MORE_AND_FEWER = /more than (\d+) and (?:fewer|less) than (\d+) (?:turns|lines|utterances)/i;
const BETWEEN = /between (\d+) and (\d+) (?:turns|lines|utterances)/i;
const RANGE = /(\d+)\s*(?:-|–|to)\s*(\d+) (?:turns|lines|utterances)/i;

function findTurnRange(text: string): PromptFacts['turnRange'] {
  const exclusive = MORE_AND_FEWER.exec(text);
  if (exclusive) return orderedRange(Number(exclusive[1]) + 1, Number(exclusive[2]) - 1);
  const inclusive = BETWEEN.exec(text) ?? RANGE.exec(text);
  if (inclusive) return orderedRange(Number(inclusive[1]), Number(inclusive[2]));
  return undefined;
}

function orderedRange(minimum: number, maximum: number): PromptFacts['turnRange'] {
  if (!Number.isFinite(minimum) || !Number.isFinite(maximum) || maximum < 1) return undefined;
  return { minimum: Math.max(1, Math.min(minimum, maximum)), maximum: Math.max(minimum, maximum) };
}
