import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSeed } from './read-seed';
import { FixtureDirectory, REPOSITORY_ROOT } from './testing/fixture-directory';

let fixtures: FixtureDirectory;
beforeEach(async () => {
  fixtures = await FixtureDirectory.create();
});
afterEach(async () => {
  await fixtures.remove();
});

const conversation = (id: string) => ({
  id,
  user1Persona: ['I grow tomatoes.'],
  user2Persona: ['I fly kites.'],
  turns: [
    { speaker: 'user1', text: 'Any plans for the weekend?' },
    { speaker: 'user2', text: 'Kites at the beach, if the wind holds.' },
  ],
});

describe('readSeed on Parley JSONL', () => {
  it('reads conversations and ignores the extra fields of a release', async () => {
    const released = {
      ...conversation('run1.2.pair7.0'),
      run: 'run1',
      iteration: 2,
      verdicts: [{ expert: 'faithfulness', kind: 'filter', passed: true, rationale: 'ok' }],
      usage: { inputTokens: 10, outputTokens: 4 },
    };
    const file = await fixtures.write(
      'conversations.jsonl',
      `${JSON.stringify(released)}\n\n${JSON.stringify(conversation('b'))}\n`,
    );
    const { records, report } = await readSeed(file).collect();
    expect(report.format).toBe('parley-jsonl');
    expect(records.map((record) => [record.conversation, record.location.line])).toEqual([
      [conversation('run1.2.pair7.0'), 1],
      [conversation('b'), 3],
    ]);
  });

  it('skips bad JSON, invalid conversations, ids with ":" and duplicates; strict stops at the first', async () => {
    const lines = [
      JSON.stringify(conversation('a')),
      '{"id": "b", "user1Persona": [], ',
      JSON.stringify({ ...conversation('c'), turns: [{ speaker: 'user3', text: 'hi' }] }),
      JSON.stringify(conversation('run:1')),
      JSON.stringify(conversation('a')),
      '[1, 2]',
      JSON.stringify(conversation('d')).slice(0, 40),
    ];
    const file = await fixtures.write('bad.jsonl', lines.join('\n'));
    await expect(readSeed(file, { mode: 'strict' }).collect()).rejects.toThrow(
      /^.*bad\.jsonl:2: not valid JSON \(.+\)$/,
    );
    const { records, report } = await readSeed(file).collect();
    expect(records.map((record) => record.conversation.id)).toEqual(['a']);
    const summary = Object.fromEntries(
      Object.entries(report.skipped).map(([reason, skipped]) => [
        reason,
        skipped.samples.map((sample) => sample.line),
      ]),
    );
    expect(summary).toEqual({ 'invalid-json': [2, 7], 'invalid-record': [3, 4, 6], 'duplicate-id': [5] });
    expect(report.skipped['invalid-record']?.samples.map((sample) => sample.message)).toEqual([
      'turns.0.speaker: Invalid option: expected one of "user1"|"user2"',
      `id "run:1" must not contain ':'`,
      'expected a conversation object',
    ]);
    expect(report.recordsSkipped).toBe(6);
  });
});

describe("the project's own seed set", () => {
  it('reads cleanly: at least 24 pairs, 5 persona sentences each, 6-8 alternating turns per speaker', async () => {
    const { records, report } = await readSeed(path.join(REPOSITORY_ROOT, 'seeds/parley-seed.jsonl'), {
      mode: 'strict',
    }).collect();
    expect(report.format).toBe('parley-jsonl');
    expect(records.length).toBeGreaterThanOrEqual(24);
    expect(report.quirks).toEqual({});
    const attributes = new Set<string>();
    for (const { conversation } of records) {
      expect(conversation.user1Persona).toHaveLength(5);
      expect(conversation.user2Persona).toHaveLength(5);
      for (const attribute of [...conversation.user1Persona, ...conversation.user2Persona])
        attributes.add(attribute);
      const speakers = conversation.turns.map((turn) => turn.speaker);
      for (const speaker of ['user1', 'user2'] as const) {
        const count = speakers.filter((value) => value === speaker).length;
        expect(count).toBeGreaterThanOrEqual(6);
        expect(count).toBeLessThanOrEqual(8);
      }
      expect(speakers.every((speaker, index) => speaker === (index % 2 === 0 ? 'user1' : 'user2'))).toBe(
        true,
      );
    }
    expect(attributes.size).toBe(records.length * 10);
  });
});
