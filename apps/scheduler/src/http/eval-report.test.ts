import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEvalReport } from './eval-report';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function withEval(content: string | undefined): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-eval-'));
  folders.push(folder);
  if (content !== undefined) await writeFile(path.join(folder, 'eval.json'), content);
  return folder;
}

describe('readEvalReport', () => {
  it('is undefined when evaluation has not run', async () => {
    expect(await readEvalReport(await withEval(undefined))).toBeUndefined();
  });

  it('reads the losing rate per iteration and ignores fields it does not know', async () => {
    const folder = await withEval(
      JSON.stringify({
        judge: 'sim',
        iterations: [
          { iteration: 1, losingRate: 0.172, comparisons: 200 },
          { iteration: 2, losingRate: null },
          { iteration: 3, losingRate: 0.088 },
        ],
      }),
    );
    expect(await readEvalReport(folder)).toEqual({
      file: path.join(folder, 'eval.json'),
      losingRates: { 1: 0.172, 3: 0.088 },
    });
  });

  it('reports a half-written or unexpected file instead of failing', async () => {
    const torn = await readEvalReport(await withEval('{"iterations": [{"iteration": 1, "losi'));
    expect(torn?.problem).toMatch(/^not valid JSON/);
    expect(torn?.losingRates).toEqual({});
    const wrong = await readEvalReport(
      await withEval(JSON.stringify({ iterations: [{ iteration: 1, losingRate: 17 }] })),
    );
    expect(wrong?.problem).toMatch(/^unexpected shape at iterations\.0\.losingRate/);
  });
});
