import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendWorkLines,
  rejectedLine,
  writeReleaseFixture,
} from '../../../../test/support/conversation-records';
import { parseReasonLine, RejectionReasonReader } from './rejection-reasons';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'parley-rejection-reasons-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const grounding = (pair: string, score: string, iteration = 1) =>
  rejectedLine({
    iteration,
    pair,
    expert: 'grounding',
    reason: `grounding ${score} < 0.45 (without copied persona sentences 0.01): User 1 0.2 (1/5 attributes touched), User 2 0.4 (2/5 attributes touched)`,
  });

describe('RejectionReasonReader', () => {
  it('counts the top normalised reasons per filter expert from a release, most rejections first', async () => {
    const folder = path.join(root, 'released');
    const toxic = (pair: string, categories: string) =>
      rejectedLine({
        pair,
        expert: 'toxicity',
        reason: `toxic (${categories}): The model explains at length why the conversation of ${pair} is toxic.`,
      });
    await writeReleaseFixture(
      folder,
      [],
      [
        grounding('p1', '0.1'),
        grounding('p2', '0.3'),
        grounding('p3', '0.2'),
        toxic('p4', 'violence'),
        toxic('p5', 'violence'),
        toxic('p6', 'sexual'),
        rejectedLine({
          pair: 'p7',
          expert: 'structure',
          reason: 'line 3: User 1 speaks three times in a row; User 2 has 1 turns, fewer than 3',
        }),
        rejectedLine({
          pair: 'p8',
          outcome: 'lost-vote',
          expert: 'vote',
          reason: 'lost the vote (judge score 0.40)',
        }),
        rejectedLine({ pair: 'p9', outcome: 'failed', expert: 'generate', reason: 'provider-error (401)' }),
      ],
    );
    const view = await new RejectionReasonReader().read(folder);
    expect(view).toMatchObject({ source: 'release', capped: false, counted: 7 });
    expect(view.experts).toEqual([
      {
        expert: 'grounding',
        rejections: 3,
        reasons: [
          {
            reason: 'grounding # < # (…): …',
            count: 3,
            example: expect.stringContaining('grounding 0.1 < 0.45'),
          },
        ],
        otherReasons: 0,
      },
      {
        expert: 'toxicity',
        rejections: 3,
        reasons: [
          { reason: 'toxic (violence): …', count: 2, example: expect.stringContaining('toxic (violence)') },
          { reason: 'toxic (sexual): …', count: 1, example: expect.stringContaining('toxic (sexual)') },
        ],
        otherReasons: 0,
      },
      {
        expert: 'structure',
        rejections: 1,
        reasons: [
          { reason: 'line #: User # speaks three times in a row', count: 1, example: expect.any(String) },
          { reason: 'User # has # turns, fewer than #', count: 1, example: expect.any(String) },
        ],
        otherReasons: 0,
      },
    ]);
  });

  it('lists the top five and counts the rest', async () => {
    const folder = path.join(root, 'many-reasons');
    const lines = Array.from({ length: 8 }, (_, kind) =>
      Array.from({ length: 8 - kind }, (_, index) =>
        rejectedLine({
          pair: `p${kind}-${index}`,
          expert: 'structure',
          reason: `problem kind ${'abcdefgh'[kind]} on line ${index}`,
        }),
      ),
    ).flat();
    await writeReleaseFixture(folder, [], lines);
    const [structure] = (await new RejectionReasonReader().read(folder)).experts;
    expect(structure?.reasons.map((reason) => [reason.reason, reason.count])).toEqual([
      ['problem kind a on line #', 8],
      ['problem kind b on line #', 7],
      ['problem kind c on line #', 6],
      ['problem kind d on line #', 5],
      ['problem kind e on line #', 4],
    ]);
    expect(structure?.otherReasons).toBe(3);
  });

  it('during a run reads only what was appended, counts a repeated line once and a torn one when it ends', async () => {
    const folder = path.join(root, 'out', 'live');
    const reader = new RejectionReasonReader();
    const file = await appendWorkLines(folder, 1, 'rejected', [
      grounding('p1', '0.1'),
      grounding('p1', '0.1'),
    ]);
    let view = await reader.read(folder);
    expect(view.source).toBe('work');
    expect(view.experts.map((expert) => [expert.expert, expert.rejections])).toEqual([['grounding', 1]]);

    const whole = JSON.stringify(grounding('p2', '0.2'));
    await appendFile(file, whole.slice(0, 40));
    await appendWorkLines(folder, 2, 'rejected', [grounding('p1', '0.3', 2)]);
    view = await reader.read(folder);
    expect(view.experts[0]?.rejections).toBe(2);
    await appendFile(file, `${whole.slice(40)}\n`);
    view = await reader.read(folder);
    expect(view.experts[0]?.rejections).toBe(3);
    // Nothing new: the same answer, from memory.
    expect(await reader.read(folder)).toEqual(view);

    // The release replaces the work files as the source; its file is counted afresh.
    await writeReleaseFixture(folder, [], [grounding('p1', '0.1')]);
    view = await reader.read(folder);
    expect(view).toMatchObject({ source: 'release', counted: 1 });
  });

  it('starts over when a file shrank (rewritten)', async () => {
    const folder = path.join(root, 'rewritten');
    const reader = new RejectionReasonReader();
    await writeReleaseFixture(folder, [], [grounding('p1', '0.1'), grounding('p2', '0.1')]);
    expect((await reader.read(folder)).counted).toBe(2);
    await writeFile(path.join(folder, 'rejected.jsonl'), `${JSON.stringify(grounding('p3', '0.1'))}\n`);
    expect((await reader.read(folder)).counted).toBe(1);
  });

  it('stops at its byte limit and says so', async () => {
    const folder = path.join(root, 'capped');
    const lines = Array.from({ length: 50 }, (_, index) => grounding(`p${index}`, '0.1'));
    await writeReleaseFixture(folder, [], lines);
    const lineBytes = Buffer.byteLength(`${JSON.stringify(lines[0])}\n`);
    const view = await new RejectionReasonReader({ maxBytesPerRun: lineBytes * 10 + 5 }).read(folder);
    expect(view.capped).toBe(true);
    expect(view.counted).toBeGreaterThanOrEqual(9);
    expect(view.counted).toBeLessThanOrEqual(10);
  });

  it('answers concurrent reads of one run without counting a line twice', async () => {
    const folder = path.join(root, 'out', 'concurrent');
    await appendWorkLines(folder, 1, 'rejected', [grounding('p1', '0.1'), grounding('p2', '0.1')]);
    const reader = new RejectionReasonReader();
    const views = await Promise.all([reader.read(folder), reader.read(folder), reader.read(folder)]);
    expect(views.map((view) => view.counted)).toEqual([2, 2, 2]);
  });

  it('has no reasons for a folder it cannot see', async () => {
    expect(await new RejectionReasonReader().read(path.join(root, 'nowhere'))).toEqual({
      source: 'none',
      experts: [],
      capped: false,
      counted: 0,
    });
  });
});

describe('parseReasonLine', () => {
  it('parses the fields before the verdicts alone, and any other layout whole', () => {
    const record = grounding('p1', '0.1');
    expect(parseReasonLine(JSON.stringify(record))).toMatchObject({
      pair: 'p1',
      outcome: 'filtered',
      expert: 'grounding',
    });
    const { verdicts, ...rest } = record;
    const verdictsFirst = { verdicts, ...rest };
    expect(parseReasonLine(JSON.stringify(verdictsFirst))).toMatchObject({
      pair: 'p1',
      reason: record.reason,
    });
    expect(parseReasonLine('{"run":"r","iteration":1,"pair":"p1","cand')).toBeUndefined();
    expect(parseReasonLine('')).toBeUndefined();
  });
});
