import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSeed } from './read-seed';
import { FixtureDirectory } from './testing/fixture-directory';

let fixtures: FixtureDirectory;
beforeEach(async () => {
  fixtures = await FixtureDirectory.create();
});
afterEach(async () => {
  await fixtures.remove();
});

/** A personachat dialogue whose utterances grow as the real ones do. */
function dialogue(persona: string[], lines: string[], distractor = 'a wrong reply .') {
  const utterances = [];
  for (let end = 1; end < lines.length; end += 2) {
    utterances.push({ candidates: [distractor, lines[end]], history: lines.slice(0, end) });
  }
  return { personality: persona, utterances };
}

describe('readSeed on Hugging Face personachat JSON', () => {
  it('reads {"train", "valid"}: last history + gold reply, persona on the replying side (user 2)', async () => {
    const document = {
      train: [
        dialogue(
          ['i love jazz .', 'i am a chef .'],
          ['hello !', 'hi , i cook .', 'nice , what ?', 'soups mostly .'],
        ),
        dialogue(
          ['i run .'],
          ['__ SILENCE __', 'hey , do you run ?', 'no , i swim .', 'swimming is great .'],
        ),
      ],
      valid: [dialogue(['i knit .'], ['good morning', 'morning ! i knit .'])],
    };
    const file = await fixtures.write('personachat_self_original.json', JSON.stringify(document, null, 2));
    const { records, report } = await readSeed(file).collect();
    expect(report.format).toBe('hf-json');
    expect(records.map((record) => record.conversation.id)).toEqual([
      'personachat_self_original-train-1',
      'personachat_self_original-train-2',
      'personachat_self_original-valid-1',
    ]);
    expect(records[0]?.conversation).toEqual({
      id: 'personachat_self_original-train-1',
      user1Persona: [],
      user2Persona: ['i love jazz .', 'i am a chef .'],
      turns: [
        { speaker: 'user1', text: 'hello !' },
        { speaker: 'user2', text: 'hi , i cook .' },
        { speaker: 'user1', text: 'nice , what ?' },
        { speaker: 'user2', text: 'soups mostly .' },
      ],
    });
    expect(records[1]?.conversation.turns[0]).toEqual({ speaker: 'user2', text: 'hey , do you run ?' });
    expect(records[1]?.quirks.map((quirk) => quirk.kind).sort()).toEqual([
      'missing-persona',
      'silence-token',
      'starts-with-user2',
    ]);
    // Pretty-printed, the first valid item opens on the line after `"valid": [`.
    const validLine =
      JSON.stringify(document, null, 2)
        .split('\n')
        .findIndex((line) => line.includes('"valid"')) + 2;
    expect(records[2]?.location.line).toBe(validLine);
    expect(report.quirks['missing-persona']?.records).toBe(3);
  });

  it('reads a bare array written on one line, with items crossing read chunks', async () => {
    const long = 'word '.repeat(400);
    const items = Array.from({ length: 300 }, (_, index) =>
      dialogue([`i am person ${index} .`], [`${long}${index}`, 'reply one', 'again', `reply ${index}`]),
    );
    const text = JSON.stringify(items);
    expect(text.length).toBeGreaterThan(2 * 256 * 1024);
    const file = await fixtures.write('bare.json', text);
    const { records, report } = await readSeed(file).collect();
    expect(records).toHaveLength(300);
    expect(records[299]?.conversation.id).toBe('bare-300');
    expect(records[299]?.conversation.turns.at(-1)).toEqual({ speaker: 'user2', text: 'reply 299' });
    expect(records.every((record) => record.location.line === 1)).toBe(true);
    expect(report.recordsSkipped).toBe(0);
  });

  it('skips an invalid item and a truncated last one, and fails in strict mode', async () => {
    const good = JSON.stringify(dialogue(['i sing .'], ['hi', 'hello']));
    const text = `[\n${good},\n{"personality": ["x"], "utterances": []},\n{"personality": "not a list",\n "utterances": [1]},\n${good},\n{"personality": ["i`;
    const file = await fixtures.write('broken.json', text);
    await expect(readSeed(file, { mode: 'strict' }).collect()).rejects.toThrow(
      `${file}:3: utterances: needs at least one utterance`,
    );
    const { records, report } = await readSeed(file).collect();
    expect(records.map((record) => record.conversation.id)).toEqual(['broken-1', 'broken-4']);
    expect(
      report.skipped['invalid-record']?.samples.map((sample) => `${sample.line} ${sample.message}`),
    ).toEqual([
      '3 utterances: needs at least one utterance',
      '4 personality: expected an array of persona sentences',
    ]);
    expect(report.skipped['truncated-record']?.samples[0]).toMatchObject({
      line: 7,
      message: 'the item starting here is cut off by the end of the file; the rest of the file was not read',
    });
  });

  it('reports invalid JSON inside an item with its line', async () => {
    const file = await fixtures.write(
      'syntax.json',
      '[\n{"personality": ["a"], "utterances": [{"history": ["hi"], "candidates": ["yo",]}]}\n]',
    );
    const { report } = await readSeed(file).collect();
    expect(report.skipped['invalid-json']?.samples[0]?.line).toBe(2);
    expect(report.skipped['invalid-json']?.samples[0]?.message).toMatch(/^not valid JSON \(/);
  });
});
