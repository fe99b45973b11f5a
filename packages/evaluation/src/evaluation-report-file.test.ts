import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockLanguageModel, type ObjectRequest, type TextRequest } from '@parley/llm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { evaluationReportSchema } from './evaluation-report';
import {
  readEvaluationReport,
  updateEvaluationReport,
  writeEvaluationReport,
} from './evaluation-report-file';
import { conversations } from './test-fixtures';

describe('eval.json', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'parley-eval-file-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const judge = () =>
    new MockLanguageModel({
      answers: (request: TextRequest | ObjectRequest<unknown>) => {
        const text = request.messages.at(-1)!.content;
        // Picks the seed ("human") as written by people: every pair is lost.
        if (text.startsWith('Conversation A:'))
          return {
            reasoning: 'r',
            writtenByPeople: text.split('Conversation B:')[0]!.includes('human') ? 'A' : 'B',
          };
        return { reasoning: 'r', selected: [1, 2] };
      },
    });

  async function reportOf(iteration: number, count: number) {
    const { report } = await evaluate({
      groups: [{ iteration, conversations: conversations(`i${iteration}`, count, 'machine') }],
      reference: conversations('seed', 2, 'human'),
      judge: judge(),
      target: folder,
      targetKind: 'release',
      run: 'run-1',
      now: () => new Date('2026-01-02T03:04:05.000Z'),
    });
    return report;
  }

  it('is written atomically, validates, and reads back', async () => {
    const report = await reportOf(1, 3);
    const file = await writeEvaluationReport(folder, report);
    expect(file).toBe(path.join(folder, 'eval.json'));
    expect(await readdir(folder)).toEqual(['eval.json']);
    const raw = JSON.parse(await readFile(file, 'utf8'));
    expect(evaluationReportSchema.parse(raw)).toEqual(report);
    expect(raw.iterations[0].losingRate).toBe(1);
    expect(raw).toMatchObject({ format: 'parley-eval', version: 1, createdAt: '2026-01-02T03:04:05.000Z' });
    expect(await readEvaluationReport(folder)).toEqual(report);
  });

  it('merges one iteration at a time (an evaluation after each iteration)', async () => {
    expect(await readEvaluationReport(folder)).toBeUndefined();
    await updateEvaluationReport(folder, await reportOf(1, 3));
    await updateEvaluationReport(folder, await reportOf(2, 1));
    // Iteration 2 again replaces its previous numbers.
    const merged = await updateEvaluationReport(folder, await reportOf(2, 2));
    expect(merged.iterations.map((iteration) => [iteration.iteration, iteration.conversations])).toEqual([
      [1, 3],
      [2, 2],
    ]);
    expect(merged.overall).toMatchObject({ iterations: [1, 2], conversations: 5, losingRate: 1 });
    expect(merged.overall.turing).toMatchObject({ pairs: 5, lose: 5 });
    expect(merged.usage.calls).toBe(3 * 4 + 1 * 4 + 2 * 4);
    expect(await readEvaluationReport(folder)).toEqual(merged);
  });

  it('names the file of a report that is not one', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(folder, 'eval.json'), '{"format":"other"}');
    await expect(readEvaluationReport(folder)).rejects.toThrow(
      `${path.join(folder, 'eval.json')}: not an evaluation report`,
    );
  });
});
