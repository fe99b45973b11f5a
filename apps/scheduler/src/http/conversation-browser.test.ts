import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptedLine,
  appendWorkLines,
  rejectedLine,
  writeReleaseFixture,
} from '../../../../test/support/conversation-records';
import { browseConversations, type ConversationQuery, conversationQuerySchema } from './conversation-browser';
import type { ConversationEntry } from './conversation-lines';

const query = (input: Record<string, string> = {}): ConversationQuery => conversationQuerySchema.parse(input);
const describeEntry = (entry: ConversationEntry) =>
  `${entry.kind === 'accepted' ? 'A' : `R:${entry.record.outcome}`} ${entry.record.iteration} ${entry.record.pair} ${entry.record.candidate ?? '-'}`;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'parley-conversation-browser-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('browseConversations over a release', () => {
  let folder: string;
  beforeAll(async () => {
    folder = path.join(root, 'released');
    await writeReleaseFixture(
      folder,
      [
        acceptedLine({ pair: 'pair-2', split: 'train' }),
        acceptedLine({ pair: 'pair-10', split: 'test' }),
        acceptedLine({ iteration: 2, pair: 'pair-1', split: 'validation' }),
      ],
      [
        rejectedLine({
          pair: 'pair-2',
          candidate: 1,
          expert: 'grounding',
          reason: 'grounding 0.1 < 0.45',
          split: 'train',
        }),
        rejectedLine({
          pair: 'pair-3',
          candidate: 0,
          outcome: 'failed',
          expert: 'generate',
          reason: 'provider-error (401)',
          split: 'train',
        }),
        rejectedLine({
          pair: 'pair-10',
          candidate: 1,
          outcome: 'lost-vote',
          expert: 'vote',
          reason: 'lost the vote (judge score 0.40)',
          split: 'test',
        }),
        rejectedLine({
          pair: 'pair-10',
          candidate: 2,
          expert: 'toxicity',
          reason: 'toxic (violence): a long explanation of the model',
          split: 'test',
        }),
        rejectedLine({
          iteration: 2,
          pair: 'pair-1',
          candidate: 1,
          expert: 'toxicity',
          reason: 'unparseable verdict (no JSON)',
          unparseable: true,
          split: 'validation',
        }),
        rejectedLine({
          iteration: 2,
          pair: 'pair-2',
          candidate: 0,
          expert: 'grounding',
          reason: 'grounding 0.2 < 0.45',
          split: null,
        }),
      ],
    );
  });

  it('merges accepted and rejected lines in release order, the winner before the candidates it beat', async () => {
    const page = await browseConversations(folder, query());
    expect(page.source).toBe('release');
    expect(page.entries.map(describeEntry)).toEqual([
      'A 1 pair-2 0',
      'R:filtered 1 pair-2 1',
      'R:failed 1 pair-3 -',
      'A 1 pair-10 0',
      'R:lost-vote 1 pair-10 1',
      'R:filtered 1 pair-10 2',
      'A 2 pair-1 0',
      'R:filtered 2 pair-1 1',
      'R:filtered 2 pair-2 0',
    ]);
    expect(page.more).toBe(false);
  });

  it('filters by outcome', async () => {
    const ids = async (outcome: string) =>
      (await browseConversations(folder, query({ outcome }))).entries.map(describeEntry);
    expect(await ids('accepted')).toEqual(['A 1 pair-2 0', 'A 1 pair-10 0', 'A 2 pair-1 0']);
    expect(await ids('rejected')).toEqual([
      'R:filtered 1 pair-2 1',
      'R:lost-vote 1 pair-10 1',
      'R:filtered 1 pair-10 2',
      'R:filtered 2 pair-1 1',
      'R:filtered 2 pair-2 0',
    ]);
    expect(await ids('failed')).toEqual(['R:failed 1 pair-3 -']);
    expect(await ids('lost-vote')).toEqual(['R:lost-vote 1 pair-10 1']);
    expect(await ids('unparseable')).toEqual(['R:filtered 2 pair-1 1']);
  });

  it('filters by expert: who rejected a candidate, or whose verdict an accepted one carries', async () => {
    const rejectedByToxicity = await browseConversations(
      folder,
      query({ outcome: 'rejected', expert: 'toxicity' }),
    );
    expect(rejectedByToxicity.entries.map(describeEntry)).toEqual([
      'R:filtered 1 pair-10 2',
      'R:filtered 2 pair-1 1',
    ]);
    // Grounding judged every accepted conversation and rejected two candidates; the candidates
    // other experts rejected are theirs, not grounding's, though grounding passed them first.
    const grounding = await browseConversations(folder, query({ expert: 'grounding' }));
    expect(grounding.entries.map(describeEntry)).toEqual([
      'A 1 pair-2 0',
      'R:filtered 1 pair-2 1',
      'A 1 pair-10 0',
      'A 2 pair-1 0',
      'R:filtered 2 pair-2 0',
    ]);
    expect(
      (await browseConversations(folder, query({ outcome: 'unparseable', expert: 'grounding' }))).entries,
    ).toEqual([]);
  });

  it('filters by iteration, split and normalised reason', async () => {
    expect((await browseConversations(folder, query({ iteration: '2' }))).entries.map(describeEntry)).toEqual(
      ['A 2 pair-1 0', 'R:filtered 2 pair-1 1', 'R:filtered 2 pair-2 0'],
    );
    expect((await browseConversations(folder, query({ split: 'test' }))).entries.map(describeEntry)).toEqual([
      'A 1 pair-10 0',
      'R:lost-vote 1 pair-10 1',
      'R:filtered 1 pair-10 2',
    ]);
    expect((await browseConversations(folder, query({ split: 'none' }))).entries.map(describeEntry)).toEqual([
      'R:filtered 2 pair-2 0',
    ]);
    const byReason = await browseConversations(
      folder,
      query({ outcome: 'rejected', expert: 'grounding', reason: 'grounding # < #' }),
    );
    expect(byReason.entries.map(describeEntry)).toEqual(['R:filtered 1 pair-2 1', 'R:filtered 2 pair-2 0']);
  });

  it('pages: `more` when one more entry matches, none past the end', async () => {
    const first = await browseConversations(folder, query({ pageSize: '4' }));
    const second = await browseConversations(folder, query({ pageSize: '4', page: '2' }));
    const third = await browseConversations(folder, query({ pageSize: '4', page: '3' }));
    expect([first.entries.length, second.entries.length, third.entries.length]).toEqual([4, 4, 1]);
    expect([first.more, second.more, third.more]).toEqual([true, true, false]);
    const all = await browseConversations(folder, query());
    expect([...first.entries, ...second.entries, ...third.entries]).toEqual(all.entries);
    expect((await browseConversations(folder, query({ pageSize: '4', page: '4' }))).entries).toEqual([]);
  });

  it('refuses bad queries with the field and what was expected', () => {
    const bad = conversationQuerySchema.safeParse({
      outcome: 'won',
      page: '0',
      expert: '<script>',
      split: 'dev',
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'expert',
      'outcome',
      'page',
      'split',
    ]);
    expect(conversationQuerySchema.safeParse({ expert: ['a', 'b'] }).success).toBe(false);
    // A cleared field is no filter.
    expect(conversationQuerySchema.parse({ expert: '', iteration: '' })).toMatchObject({
      page: 1,
      pageSize: 25,
    });
  });
});

describe('browseConversations streams', () => {
  it('stops reading once the page is full, and skips lines that cannot match without parsing them', async () => {
    const folder = path.join(root, 'large');
    const accepted = Array.from({ length: 20_000 }, (_, index) =>
      acceptedLine({ pair: `pair-${String(index).padStart(5, '0')}`, split: 'train' }),
    );
    const rejected = Array.from({ length: 20_000 }, (_, index) =>
      rejectedLine({
        pair: `pair-${String(index).padStart(5, '0')}`,
        expert: index % 1000 === 999 ? 'toxicity' : 'grounding',
        reason: `grounding ${index} < 0.45`,
        split: 'train',
      }),
    );
    await writeReleaseFixture(folder, accepted, rejected);
    const first = await browseConversations(folder, query());
    expect(first.entries).toHaveLength(25);
    expect(first.more).toBe(true);
    // Two files merged, one record ahead each: a few dozen lines, not 40,000.
    expect(first.scannedLines).toBeLessThan(60);

    const rare = await browseConversations(
      folder,
      query({ outcome: 'rejected', expert: 'toxicity', pageSize: '5' }),
    );
    expect(rare.entries.map((entry) => entry.record.pair)).toEqual([
      'pair-00999',
      'pair-01999',
      'pair-02999',
      'pair-03999',
      'pair-04999',
    ]);
    expect(rare.more).toBe(true);
    // It stopped at the sixth match (pair-05999), not at the end of the file.
    expect(rare.scannedLines).toBeLessThan(6_100);
  });
});

describe('browseConversations during a run (work files)', () => {
  it('reads each iteration’s lines as they settled, de-duplicated, skipping a torn last line', async () => {
    const folder = path.join(root, 'out', 'running-run');
    const winner = acceptedLine({ pair: 'pair-b' });
    await appendWorkLines(folder, 1, 'accepted', [winner, acceptedLine({ pair: 'pair-a' }), winner]);
    const loser = rejectedLine({ pair: 'pair-b', expert: 'grounding', reason: 'grounding 0.1 < 0.45' });
    const rejectedFile = await appendWorkLines(
      folder,
      1,
      'rejected',
      [loser, loser],
      '{"run":"run-1","itera',
    );
    await appendWorkLines(folder, 2, 'rejected', [
      rejectedLine({ iteration: 2, pair: 'pair-a', expert: 'toxicity', reason: 'toxic (violence): x' }),
    ]);

    const page = await browseConversations(folder, query());
    expect(page.source).toBe('work');
    expect(page.entries.map(describeEntry)).toEqual([
      'A 1 pair-b 0',
      'A 1 pair-a 0',
      'R:filtered 1 pair-b 1',
      'R:filtered 2 pair-a 1',
    ]);
    expect(page.duplicates).toBe(2);
    expect(page.unreadableLines).toBe(1);
    expect(page.unreadableLocations).toEqual(['iterations/1.rejected.jsonl:3']);
    // Work lines have no split yet.
    expect((await browseConversations(folder, query({ split: 'train' }))).entries).toEqual([]);
    expect((await browseConversations(folder, query({ iteration: '2' }))).entries.map(describeEntry)).toEqual(
      ['R:filtered 2 pair-a 1'],
    );

    // The writer finishes its line: the record shows up.
    await appendFile(
      rejectedFile,
      `${JSON.stringify(rejectedLine({ pair: 'pair-a', expert: 'toxicity', reason: 'toxic' })).slice('{"run":"run-1","itera'.length)}\n`,
    );
    const later = await browseConversations(folder, query({ outcome: 'rejected', iteration: '1' }));
    expect(later.entries.map(describeEntry)).toEqual(['R:filtered 1 pair-b 1', 'R:filtered 1 pair-a 1']);
    expect(later.unreadableLines).toBe(0);

    // Once the release is written, it is the source.
    await writeReleaseFixture(folder, [winner], []);
    const released = await browseConversations(folder, query());
    expect(released.source).toBe('release');
    expect(released.entries.map(describeEntry)).toEqual(['A 1 pair-b 0']);
  });

  it('shows nothing for a folder this server cannot see', async () => {
    const page = await browseConversations(path.join(root, 'nowhere'), query());
    expect(page).toMatchObject({ source: 'none', entries: [], more: false });
  });

  it('reads a line that is JSON but not a record as unreadable, not fatal', async () => {
    const folder = path.join(root, 'bad-release');
    await writeReleaseFixture(folder, [acceptedLine({ pair: 'pair-1' })], []);
    await writeFile(path.join(folder, 'rejected.jsonl'), '{"run":"run-1"}\nnot json\n');
    const page = await browseConversations(folder, query());
    expect(page.entries.map(describeEntry)).toEqual(['A 1 pair-1 0']);
    expect(page.unreadableLocations).toEqual(['rejected.jsonl:1', 'rejected.jsonl:2']);
  });
});
