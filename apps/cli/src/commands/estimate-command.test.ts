import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { CostEstimate } from '../estimate/estimate-report';
import { main } from '../main';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
const folders: string[] = [];

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** The demo job with a change or two, in a folder of its own (its output folder is never created). */
async function job(
  edit: (text: string) => string = (text) => text,
): Promise<{ file: string; output: string }> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-estimate-'));
  folders.push(folder);
  const output = path.join(folder, 'releases');
  const demo = await readFile(path.join(REPO_ROOT, 'jobs/demo.yaml'), 'utf8');
  const text = edit(
    demo
      .replace('path: ../seeds/parley-seed.jsonl', `path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')}`)
      .replace('dir: ../releases', `dir: ${output}`),
  );
  const file = path.join(folder, 'job.yaml');
  await writeFile(file, text);
  return { file, output };
}

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const code = await main(['node', 'parley', ...argv]);
  vi.restoreAllMocks();
  return { code, stdout };
}

describe('parley estimate', () => {
  it('prints per stage and model, with its assumptions, and creates nothing', async () => {
    const { file, output } = await job();
    const { code, stdout } = await run(['estimate', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/generate +│ sim +│ 120 /);
    expect(stdout).toMatch(/critique:faithfulness/);
    expect(stdout).toMatch(/select:depth/);
    expect(stdout).toMatch(/eval:turing/);
    expect(stdout).toMatch(/toxicity 90\.0 % \(assumed\)/);
    expect(stdout).toMatch(/structure \d+\.\d %/);
    for (const line of stdout.split('\n').filter((text) => text.startsWith('│') || text.startsWith('┌')))
      expect(line.length).toBeLessThanOrEqual(100);
    await expect(readFile(output)).rejects.toThrow(/ENOENT/);
  });

  it('answers a typed object with --json, and `run --dry-run` says the same', async () => {
    const { file, output } = await job();
    const estimate = JSON.parse((await run(['estimate', file, '--json'])).stdout) as CostEstimate;
    const dryRun = JSON.parse((await run(['run', file, '--dry-run', '--json'])).stdout) as CostEstimate;
    expect(dryRun).toEqual(estimate);
    await expect(readFile(output)).rejects.toThrow(/ENOENT/);
    // 2 iterations × 20 pairs × 3 candidates, one Generator call each.
    expect(estimate.stages.find((stage) => stage.stage === 'generate')?.calls).toBe(120);
    const sum = estimate.stages.reduce((total, stage) => total + (stage.costUsd ?? 0), 0);
    expect(estimate.total.costUsd).toBeCloseTo(sum, 10);
    expect(estimate.total.tokens).toBe(estimate.total.inputTokens + estimate.total.outputTokens);
    // The LLM filters see fewer candidates than the Generator writes, after the ones before them.
    const toxicity = estimate.stages.find((stage) => stage.stage === 'critique:toxicity')!;
    const faithfulness = estimate.stages.find((stage) => stage.stage === 'critique:faithfulness')!;
    expect(faithfulness.calls).toBeCloseTo(toxicity.calls * 0.9, 6);
  });

  it('follows the job: a rubric panel, a lower assumed pass rate, no evaluation, no price', async () => {
    const { file } = await job((text) =>
      text
        .replace('critic:\n  model: sim', 'critic:\n  model: sim\n  mode: rubric')
        .replace('afterEachIteration: true', 'afterEachIteration: false')
        .replace('    price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 }\n', ''),
    );
    const estimate = JSON.parse(
      (await run(['estimate', file, '--json', '--llm-pass-rate', '0.5'])).stdout,
    ) as CostEstimate;
    const stages = estimate.stages.map((stage) => stage.stage);
    expect(stages).toContain('select:rubric');
    expect(stages.some((stage) => stage.startsWith('select:') && stage !== 'select:rubric')).toBe(false);
    expect(stages.some((stage) => stage.startsWith('eval:'))).toBe(false);
    expect(estimate.total.costUsd).toBeNull();
    expect(estimate.unpriced).toEqual(['sim']);
    expect(
      estimate.assumptions.filters.filter((filter) => filter.source === 'assumed').map((f) => f.passRate),
    ).toEqual([0.5, 0.5]);
  });

  it('is a one-line user error for a job that does not validate', async () => {
    const { file } = await job((text) => text.replace('pairs: 20', 'pairs: -1'));
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(['node', 'parley', 'estimate', file]);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(stderr).toMatch(/pairs/);
  });
});
