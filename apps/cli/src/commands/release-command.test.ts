import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AcceptedConversation, acceptedConversationSchema, rejectedCandidateSchema } from '@parley/core';
import { readReleaseManifest, verifyRelease, writeRelease } from '@parley/scheduler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../../../test/support/captured-output';
import {
  syntheticConfig,
  syntheticReleaseInput,
  writeSyntheticWorkFiles,
} from '../../../../test/support/synthetic-run';
import { main } from '../main';

const RUN = 'cli-release';
let output: string;
let release: string;
let captured: CapturedOutput;

beforeEach(async () => {
  output = await mkdtemp(path.join(tmpdir(), 'parley-release-cli-'));
  release = path.join(output, RUN);
  const run = await writeSyntheticWorkFiles({
    runFolder: release,
    runId: RUN,
    iterations: 2,
    pairsPerIteration: 40,
  });
  await writeRelease(
    syntheticReleaseInput(release, RUN, syntheticConfig({ iterations: 2, pairs: 40 }), run.facts),
  );
  captured = captureOutput();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(output, { recursive: true, force: true });
});

const parley = (...args: string[]) => main(['node', 'parley', ...args]);

async function readLines<T>(file: string, parse: (value: unknown) => T): Promise<T[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => parse(JSON.parse(line)));
}

describe('parley release', () => {
  it('shows, samples and verifies a release', async () => {
    expect(await parley('release', 'show', release)).toBe(0);
    expect(captured.stdout).toMatch(/release of run cli-release/);
    expect(captured.stdout).toMatch(/train \d+, validation \d+, test \d+/);
    captured.stdout = '';
    expect(await parley('release', 'sample', release, '2', '--split', 'train')).toBe(0);
    expect(captured.stdout.match(/^── /gm)).toHaveLength(2);
    expect(captured.stdout).toContain('(train, iteration');
    captured.stdout = '';
    expect(await parley('release', 'verify', release)).toBe(0);
    expect(captured.stdout).toContain('verified');
  });

  it('filters by judge score and expert into a new release that verifies, keeping what it dropped as rejected', async () => {
    const target = path.join(output, 'best');
    expect(
      await parley(
        'release',
        'filter',
        release,
        '--out',
        target,
        '--min-score',
        '0.5',
        '--passed',
        'faithfulness',
      ),
    ).toBe(0);
    expect(captured.stderr).toBe('');
    expect(await verifyRelease(target)).toEqual({ ok: true, problems: [] });
    const source = await readLines(path.join(release, 'conversations.jsonl'), (v) =>
      acceptedConversationSchema.parse(v),
    );
    const kept = await readLines(path.join(target, 'conversations.jsonl'), (v) =>
      acceptedConversationSchema.parse(v),
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(source.filter((conversation) => conversation.judgeScore >= 0.5));
    const rejected = await readLines(path.join(target, 'rejected.jsonl'), (v) =>
      rejectedCandidateSchema.parse(v),
    );
    const dropped = rejected.filter((line) => line.expert === 'release-filter');
    expect(dropped).toHaveLength(source.length - kept.length);
    expect(dropped[0]?.reason).toMatch(/judge score .* below 0\.5/);
    const manifest = await readReleaseManifest(target);
    expect(manifest.derivedFrom).toMatchObject({ operation: 'filter', release: RUN });
    expect(manifest.totals.accepted).toBe(kept.length);
  });

  it('filters by split and iteration', async () => {
    const target = path.join(output, 'validation-1');
    const code = await parley(
      'release',
      'filter',
      release,
      '--out',
      target,
      '--split',
      'validation',
      '--iteration',
      '1',
    );
    expect(captured.stderr).toBe('');
    expect(code).toBe(0);
    expect(await verifyRelease(target)).toEqual({ ok: true, problems: [] });
    const kept = await readLines(path.join(target, 'conversations.jsonl'), (v) =>
      acceptedConversationSchema.parse(v),
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(
      kept.every((conversation) => conversation.split === 'validation' && conversation.iteration === 1),
    ).toBe(true);
    const manifest = await readReleaseManifest(target);
    expect(manifest.iterations.map((entry) => entry.iteration)).toEqual([1]);
    expect(manifest.split.counts).toMatchObject({ train: 0, test: 0, validation: kept.length });
  });

  it('exports chat messages, DPO pairs with verdicts, SPC CSV and Parquet per split', async () => {
    const target = path.join(output, 'exports');
    for (const format of ['chat', 'dpo', 'spc', 'parquet']) {
      expect(await parley('release', 'export', release, '--format', format, '--out', target)).toBe(0);
    }
    const chat = await readLines(
      path.join(target, 'chat', 'train.jsonl'),
      (v) => v as { messages: Array<{ role: string }> },
    );
    expect(chat[0]?.messages[0]?.role).toBe('system');
    expect(new Set(chat[0]?.messages.slice(1).map((message) => message.role))).toEqual(
      new Set(['user', 'assistant']),
    );
    const conversations = await readLines(
      path.join(release, 'conversations.jsonl'),
      (v) => v as AcceptedConversation,
    );
    const dpo = await readLines(
      path.join(target, 'dpo', 'train.jsonl'),
      (v) =>
        v as {
          pair: string;
          chosen: Array<{ content: string }>;
          rejected: Array<{ content: string }>;
          rejectedVerdicts: unknown[];
        },
    );
    expect(dpo.length).toBeGreaterThan(0);
    for (const record of dpo) {
      expect(record.chosen[0]?.content).not.toBe(record.rejected[0]?.content);
      expect(record.rejectedVerdicts.length).toBeGreaterThan(0);
      expect(
        conversations.some(
          (conversation) => conversation.pair === record.pair && conversation.split === 'train',
        ),
      ).toBe(true);
    }
    expect(captured.stdout).toMatch(/spc\/train\.csv: \d+ records/);
    expect(captured.stdout).toMatch(/data\/train-00000-of-00001\.parquet: \d+ records/);
  });

  it('answers a user error with one line and exit code 2', async () => {
    expect(await parley('release', 'show', path.join(output, 'missing', 'folder'))).toBe(2);
    expect(captured.stderr.trim().split('\n')).toHaveLength(1);
    captured.stderr = '';
    const taken = path.join(output, 'taken');
    await mkdir(taken);
    await writeFile(path.join(taken, 'x'), 'x');
    expect(await parley('release', 'filter', release, '--out', taken)).toBe(2);
    expect(captured.stderr).toMatch(/already exists and is not empty/);
    captured.stderr = '';
    expect(
      await parley('release', 'filter', release, '--out', path.join(output, 'y'), '--min-score', '2'),
    ).toBe(2);
    expect(
      await parley('release', 'export', release, '--format', 'xml', '--out', path.join(output, 'z')),
    ).toBe(2);
    expect(
      await parley('release', 'export', release, '--format', 'chat', '--out', path.join(release, 'inside')),
    ).toBe(2);
  });
});
