import type { Turn } from '@parley/core';
import { z } from 'zod';
import { JsonItemScanner } from './json-item-scanner';
import { readTextChunks } from './read-text';
import { seedId } from './seed-id';
import type { FormatReaderInput } from './seed-read-context';
import type { Quirk, SeedRecord } from './seed-record';

const SILENCE = /^__\s*silence\s*__$/i;

/** One dialogue of the Hugging Face personachat JSON (as used by ConvAI2 transfer-learning code). */
const hfDialogueSchema = z.object({
  personality: z.array(z.string(), { error: 'expected an array of persona sentences' }),
  utterances: z
    .array(
      z.object({
        history: z.array(z.string(), { error: 'expected an array of strings' }),
        candidates: z
          .array(z.string(), { error: 'expected an array of strings' })
          .min(1, 'needs at least the gold reply'),
      }),
      { error: 'expected an array of utterances' },
    )
    .min(1, 'needs at least one utterance'),
});

/**
 * Reads Hugging Face personachat JSON: `{"train": [...], "valid": [...]}` or a bare array of
 * `{ personality, utterances: [{ history, candidates }] }`. The gold reply is the last
 * candidate; the whole conversation is the last utterance's history plus its gold reply.
 *
 * Speakers, as in the ParlAI reader: the persona belongs to the side that gives the gold
 * replies, which is user 2; the partner opens the conversation and is user 1, whose persona
 * this format does not carry (user1Persona is empty, counted as `missing-persona`).
 * Ids are `<stem>-<split>-<n>` (or `<stem>-<n>` for a bare array).
 */
export async function* readHfJson({
  file,
  stem,
  context,
  decoder,
}: FormatReaderInput): AsyncGenerator<SeedRecord> {
  const scanner = new JsonItemScanner();
  for await (const chunk of readTextChunks(file, decoder)) {
    for (const item of scanner.push(chunk)) {
      const lastLine = item.line + countNewlines(item.text);
      const invalidLine = decoder.firstInvalidLineBetween(item.line, lastLine);
      if (invalidLine !== undefined) {
        context.skip(invalidLine, 'invalid-utf8', `invalid UTF-8 in the item starting at line ${item.line}`);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(item.text);
      } catch (error) {
        context.skip(item.line, 'invalid-json', `not valid JSON (${(error as Error).message})`);
        continue;
      }
      const parsed = hfDialogueSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const path = issue?.path.join('.') ?? '';
        context.skip(
          item.line,
          'invalid-record',
          `${path ? `${path}: ` : ''}${issue?.message ?? 'not a dialogue'}`,
        );
        continue;
      }
      const { turns, quirks } = toConversationParts(parsed.data, item.line);
      const record = context.finish({
        conversation: {
          id: seedId(stem, item.index + 1, item.split),
          user1Persona: [],
          user2Persona: parsed.data.personality
            .map((sentence) => sentence.trim())
            .filter((sentence) => sentence !== ''),
          turns,
        },
        line: item.line,
        quirks,
      });
      if (record) yield record;
    }
    if (scanner.problem) break;
  }
  scanner.end();
  const { problem } = scanner;
  if (problem)
    context.skip(problem.line, problem.kind, `${problem.message}; the rest of the file was not read`);
}

function toConversationParts(
  dialogue: z.infer<typeof hfDialogueSchema>,
  line: number,
): { turns: Turn[]; quirks: Quirk[] } {
  const last = dialogue.utterances[dialogue.utterances.length - 1] as (typeof dialogue.utterances)[number];
  const texts = [...last.history, last.candidates[last.candidates.length - 1] as string];
  const turns: Turn[] = [];
  const quirks: Quirk[] = [];
  texts.forEach((text, index) => {
    // Count back from the gold reply (user 2): robust to histories of either parity.
    const speaker = (texts.length - 1 - index) % 2 === 0 ? 'user2' : 'user1';
    if (SILENCE.test(text.trim())) quirks.push({ kind: 'silence-token', line, detail: text.trim() });
    else turns.push({ speaker, text: text.trim() });
  });
  return { turns, quirks };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}
