import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { estimateJob } from '../../apps/cli/src/estimate/estimate-job';
import { REPO_ROOT } from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { testNamespace } from '../support/test-jobs';

// The done-when: `parley estimate` on the demo job is within ±25 % of what the run then
// spends. The job is jobs/demo.yaml's settings with its own name, output folder and no response
// cache (a cached answer would cost nothing and say nothing about the estimate).
const TOLERANCE = 0.25;
const namespace = testNamespace('estimate');
const folders: string[] = [];

afterAll(async () => {
  await deleteNamespace(namespace);
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function demoLikeJob(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-estimate-e2e-'));
  folders.push(folder);
  const demo = await readFile(path.join(REPO_ROOT, 'jobs/demo.yaml'), 'utf8');
  const job = demo
    .replace(/^name: demo$/m, 'name: estimate-e2e')
    .replace('path: ../seeds/parley-seed.jsonl', `path: ${path.join(REPO_ROOT, 'seeds/parley-seed.jsonl')}`)
    .replace('dir: ../releases', `dir: ${path.join(folder, 'releases')}`)
    .concat('\ncache: { enabled: false }\n');
  expect(job).toContain('name: estimate-e2e');
  expect(job).toContain(path.join(folder, 'releases'));
  const jobFile = path.join(folder, 'demo-like.yaml');
  await writeFile(jobFile, job);
  return jobFile;
}

const within = (estimate: number, spent: number) => Math.abs(estimate - spent) / spent;

describe('parley estimate on the demo job', () => {
  it('is within ±25 % of the tokens and dollars the run then spends', async () => {
    const jobFile = await demoLikeJob();
    const estimate = await estimateJob(jobFile);
    const environment: NodeJS.ProcessEnv = { ...process.env, PARLEY_NAMESPACE: namespace };
    delete environment.PARLEY_SIMULATOR_URL;
    const result = await runEmbedded({ jobFile, progress: false, environment });
    expect(result.run.status).toBe('completed');
    const spent = result.usage.total;
    expect(spent.cachedCalls).toBe(0);

    const spentTokens = spent.inputTokens + spent.outputTokens;
    const perStage = estimate.stages.map((stage) => {
      const actual = result.usage.byStage[stage.stage];
      return `${stage.stage}: estimated ${Math.round(stage.calls)} calls, ${stage.inputTokens + stage.outputTokens} tokens, $${(stage.costUsd ?? 0).toFixed(4)}; spent ${actual?.calls ?? 0} calls, ${(actual?.inputTokens ?? 0) + (actual?.outputTokens ?? 0)} tokens, $${(actual?.costUsd ?? 0).toFixed(4)}`;
    });
    console.info(
      [
        `estimate: ${estimate.total.tokens} tokens, $${estimate.total.costUsd?.toFixed(4)}, ${Math.round(estimate.total.calls)} calls`,
        `spent:    ${spentTokens} tokens, $${spent.costUsd.toFixed(4)}, ${spent.calls} calls`,
        `off by ${(100 * (estimate.total.tokens / spentTokens - 1)).toFixed(1)} % (tokens), ${(100 * ((estimate.total.costUsd ?? 0) / spent.costUsd - 1)).toFixed(1)} % (dollars)`,
        ...perStage,
      ].join('\n'),
    );
    expect(spent.costUsd).toBeGreaterThan(0);
    expect(within(estimate.total.tokens, spentTokens)).toBeLessThanOrEqual(TOLERANCE);
    expect(within(estimate.total.costUsd ?? 0, spent.costUsd)).toBeLessThanOrEqual(TOLERANCE);
    // Every stage the run paid for was estimated, and nothing the run never called.
    expect(estimate.stages.map((stage) => stage.stage).sort()).toEqual(
      Object.keys(result.usage.byStage).sort(),
    );
  }, 240_000);

  it('prices a batch binding at its batch discount, with the same tokens', async () => {
    const syncJob = await demoLikeJob();
    const batchJob = syncJob.replace(/\.yaml$/, '-batch.yaml');
    const text = await readFile(syncJob, 'utf8');
    const batched = text.replace(
      'price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 }',
      'price: { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6, batchDiscount: 0.5 }\n    execution: batch',
    );
    expect(batched).not.toBe(text);
    await writeFile(batchJob, batched);
    const [sync, batch] = await Promise.all([estimateJob(syncJob), estimateJob(batchJob)]);
    expect(batch.total.tokens).toBe(sync.total.tokens);
    expect(batch.total.costUsd!).toBeCloseTo(sync.total.costUsd! * 0.5, 10);
  }, 60_000);
});
