import { readFile, writeFile } from 'node:fs/promises';
import type { ModelPrice, RunConfigInput } from '@parley/core';
import { costOf, type UsageTotals } from '@parley/llm';
import { withBenchEnvironment } from '../support/bench-environment';
import { type CriticVariant, writeBenchJob } from '../support/bench-job';
import { atMost, fixed, type Scenario, scenarioTiming, type TableRow } from '../support/scenario';

/**
 * OpenAI's published gpt-4.1-mini list prices (USD per million tokens): the simulator speaks
 * OpenAI's protocol and reports prompt caching as OpenAI does (cached reads at a quarter of the
 * input price, no write premium). Batches cost half, prompt-cache discount included.
 */
export const COST_BENCH_PRICE: Required<Omit<ModelPrice, 'cacheWritePerMillionTokens'>> = {
  inputPerMillionTokens: 0.4,
  cachedInputPerMillionTokens: 0.1,
  outputPerMillionTokens: 1.6,
  batchDiscount: 0.5,
};

const PANELS: Array<{ variant: CriticVariant; label: string }> = [
  { variant: 'paper', label: "paper's panel" },
  { variant: 'cascade-rubric', label: 'cascade + rubric panel' },
];

type Mode = 'sync' | 'sync + prompt cache' | 'batch' | 'batch + prompt cache';
const MODES: Mode[] = ['sync', 'sync + prompt cache', 'batch', 'batch + prompt cache'];

interface PanelResult {
  variant: CriticVariant;
  pairs: number;
  accepted: number;
  usage: Pick<
    UsageTotals,
    'calls' | 'inputTokens' | 'outputTokens' | 'cacheReadInputTokens' | 'cacheWriteInputTokens'
  >;
  /** Share of input tokens the simulator reported as read from the prompt cache. */
  cachedInputShare: number;
  /** Stage → input tokens and the part read from the prompt cache. */
  byStage: Record<string, { inputTokens: number; cacheReadInputTokens: number }>;
  /** USD per 1,000 accepted conversations by mode. */
  dollarsPerThousand: Record<Mode, number>;
}

/** USD of a run's usage in one mode. Without prompt cache, every input token is at the input price. */
export function costInMode(usage: PanelResult['usage'], mode: Mode, price = COST_BENCH_PRICE): number {
  const cached = mode.endsWith('prompt cache');
  const dollars = costOf(
    cached ? usage : { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
    price,
  );
  return mode.startsWith('batch') ? dollars * price.batchDiscount : dollars;
}

/**
 * Dollars per 1,000 accepted conversations at list prices, for the paper's panel and the
 * cascade + rubric panel, in four modes: sync, sync + prompt cache, batch, batch + prompt cache.
 * One run per panel on the simulator (prompt order and cache markers as Parley sends them; the
 * simulator reports cached tokens the way OpenAI does); the four modes price that run's usage,
 * so every mode of a panel has the same acceptance.
 */
export const costScenario: Scenario = {
  id: 'cost',
  title: 'Dollars per 1,000 accepted conversations: sync, prompt cache, batch',
  async run(context) {
    const startedAt = new Date();
    const pairs = context.quick ? 60 : 500;
    const { result: results, usage } = await withBenchEnvironment(
      { latencyMs: 0, workers: 2, concurrency: 32, folder: context.folder },
      async (environment) => {
        const results: PanelResult[] = [];
        for (const { variant } of PANELS) {
          const jobFile = await writeBenchJob({
            name: `cost-${variant}`,
            folder: context.folder,
            pairs,
            critic: variant,
            concurrency: 32,
          });
          await ownModel(jobFile, `parley-sim-cost-${variant}`);
          context.log(`cost: ${pairs} pairs with the ${variant} panel`);
          const run = await environment.cluster.runJob(jobFile);
          if (run.status !== 'completed') throw new Error(`run ${run.runId} ended ${run.status}`);
          const total = run.usage.total;
          const panelUsage = {
            calls: total.calls,
            inputTokens: total.inputTokens,
            outputTokens: total.outputTokens,
            cacheReadInputTokens: total.cacheReadInputTokens,
            cacheWriteInputTokens: total.cacheWriteInputTokens,
          };
          const perThousand = (mode: Mode) =>
            (costInMode(panelUsage, mode) / Math.max(1, run.accepted)) * 1000;
          results.push({
            variant,
            pairs,
            accepted: run.accepted,
            usage: panelUsage,
            cachedInputShare: panelUsage.cacheReadInputTokens / Math.max(1, panelUsage.inputTokens),
            byStage: Object.fromEntries(
              Object.entries(run.usage.byStage).map(([stage, totals]) => [
                stage,
                { inputTokens: totals.inputTokens, cacheReadInputTokens: totals.cacheReadInputTokens },
              ]),
            ),
            dollarsPerThousand: Object.fromEntries(MODES.map((mode) => [mode, perThousand(mode)])) as Record<
              Mode,
              number
            >,
          });
        }
        return results;
      },
    );
    const baseline = results.find((result) => result.variant === 'paper')!.dollarsPerThousand.sync;
    const cheapest = results.find((result) => result.variant === 'cascade-rubric')!;
    const rows: TableRow[] = [];
    for (const { variant, label } of PANELS) {
      const result = results.find((entry) => entry.variant === variant)!;
      for (const mode of MODES) {
        const dollars = result.dollarsPerThousand[mode];
        rows.push({
          measure: `${label}, ${mode}`,
          value: `$${fixed(2)(dollars)} per 1,000 accepted (×${fixed(2)(dollars / baseline)} of sync paper panel); ${result.accepted}/${result.pairs} accepted, ${fixed(0)(result.cachedInputShare * 100)} % of input cached`,
        });
      }
    }
    rows.push(
      atMost(
        'batch + prompt cache + cascade/rubric ÷ sync paper panel',
        cheapest.dollarsPerThousand['batch + prompt cache'] / baseline,
        0.3,
      ),
    );
    return {
      ...scenarioTiming(this, startedAt),
      settings: { pairs, candidatesPerPair: 2, price: COST_BENCH_PRICE, latencyMs: 0 },
      metrics: {
        panels: results,
        baselineDollarsPerThousand: baseline,
        foreignCpuShare: usage.foreignCpuShare,
      },
      rows,
      notes: [
        'Prices: OpenAI gpt-4.1-mini list prices ($0.40 input, $0.10 cached input, $1.60 output per million tokens; batches at 50 %). Tokens are the run’s usage ledger (every provider call, structured-output retries included).',
        '"sync" prices every input token at the input price (Parley before prompt caching); "+ prompt cache" prices the input the simulator reported as cached (`cached_tokens`, a prefix of 1024+ tokens sent within 5 minutes) at the cached price.',
        'Batch rows price the same run’s tokens at the batch discount: a Batch API answers the same requests with the same token counts at half price. The batch path (`execution: batch`, docs/batch-mode.md) answers each line with the same tokens; a batch call costs exactly 0.5x its sync call (batch-execution.test.ts).',
        'Each panel runs on its own model name, so neither the response cache nor the simulator’s prompt cache carries over from the other panel’s run.',
      ],
    };
  },
};

/** Gives a job file's model a name of its own (its own response-cache keys and prompt-cache prefixes). */
async function ownModel(jobFile: string, model: string): Promise<void> {
  const job = JSON.parse(await readFile(jobFile, 'utf8')) as RunConfigInput;
  const binding = job.models?.['sim'];
  if (!binding) throw new Error(`${jobFile}: expected a model named sim`);
  job.models = { ...job.models, sim: { ...binding, model } };
  await writeFile(jobFile, `${JSON.stringify(job, null, 2)}\n`);
}
