import { readTextLines } from './read-text';
import type { FormatReaderInput } from './seed-read-context';
import type { SeedRecord } from './seed-record';

/**
 * Reads Parley JSONL: one conversation object a line (`id`, `user1Persona`, `user2Persona`,
 * `turns`). Extra fields, such as those of a release's conversations.jsonl, are ignored.
 * Blank lines are allowed; a repeated id is skipped as `duplicate-id`.
 */
export async function* readParleyJsonl({
  file,
  context,
  decoder,
}: FormatReaderInput): AsyncGenerator<SeedRecord> {
  const ids = new Set<string>();
  for await (const { text, line } of readTextLines(file, decoder)) {
    if (text.trim() === '') continue;
    if (decoder.firstInvalidLineBetween(line, line) !== undefined) {
      context.skip(line, 'invalid-utf8', 'invalid UTF-8');
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      context.skip(line, 'invalid-json', `not valid JSON (${(error as Error).message})`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      context.skip(line, 'invalid-record', 'expected a conversation object');
      continue;
    }
    const record = context.finish({ conversation: value as SeedRecord['conversation'], line, quirks: [] });
    if (!record) continue;
    if (ids.has(record.conversation.id)) {
      context.skip(line, 'duplicate-id', `id "${record.conversation.id}" was already read`);
      continue;
    }
    ids.add(record.conversation.id);
    yield record;
  }
}
