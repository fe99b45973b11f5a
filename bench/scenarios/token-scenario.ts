import { withBenchEnvironment } from '../support/bench-environment';
import { type CriticVariant, criticBlock, writeBenchJob } from '../support/bench-job';
import { fixed, type Scenario, scenarioTiming } from '../support/scenario';

interface VariantResult {
  variant: CriticVariant;
  critic: unknown;
  pairs: number;
  accepted: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  tokensPerAccepted: number;
  callsPerPair: number;
  acceptedPerSecond: number;
  /** Expert → passed / judged, from the iteration counters. */
  experts: Record<string, { passed: number; total: number }>;
  ratioToPaper?: number;
}

const VARIANTS: Array<{ variant: CriticVariant; label: string }> = [
  { variant: 'paper', label: 'paper: LLM filters + pairwise FED vote' },
  { variant: 'rubric', label: 'LLM filters + batched rubric' },
  { variant: 'cascade', label: 'cascade: offline filters first + pairwise vote' },
  { variant: 'cascade-rubric', label: 'cascade + batched rubric' },
  { variant: 'offline-rubric', label: 'offline filters only + batched rubric' },
];

/**
 * Scenario 4, tokens per accepted conversation, by Critic panel, from the simulator's token
 * counts (input + output). Same pairs, seed and simulator for every panel; latency 0.
 */
export const tokenScenario: Scenario = {
  id: 'tokens',
  title: 'Tokens per accepted conversation by Critic panel',
  async run(context) {
    const startedAt = new Date();
    const pairs = context.quick ? 60 : 500;
    const { result: results, usage } = await withBenchEnvironment(
      { latencyMs: 0, workers: 2, concurrency: 32, folder: context.folder },
      async (environment) => {
        const results: VariantResult[] = [];
        // A short unmeasured run first: the workers build their run services and warm up their
        // JIT on it, so the first panel measured is not slower for being first.
        const warmUp = await writeBenchJob({
          name: 'tokens-warm-up',
          folder: context.folder,
          pairs: context.quick ? 20 : 150,
          critic: 'cascade',
          concurrency: 32,
        });
        await environment.cluster.runJob(warmUp);
        for (const { variant } of VARIANTS) {
          const jobFile = await writeBenchJob({
            name: `tokens-${variant}`,
            folder: context.folder,
            pairs,
            critic: variant,
            concurrency: 32,
          });
          context.log(`tokens: ${pairs} pairs with the ${variant} panel`);
          const before = await environment.simulator.stats();
          const run = await environment.cluster.runJob(jobFile);
          const after = await environment.simulator.stats();
          if (run.status !== 'completed') throw new Error(`run ${run.runId} ended ${run.status}`);
          const inputTokens = after.tokens.input - before.tokens.input;
          const outputTokens = after.tokens.output - before.tokens.output;
          const calls = after.requests.total - before.requests.total;
          results.push({
            variant,
            critic: criticBlock(variant),
            pairs,
            accepted: run.accepted,
            calls,
            inputTokens,
            outputTokens,
            tokensPerAccepted: (inputTokens + outputTokens) / Math.max(1, run.accepted),
            callsPerPair: calls / pairs,
            acceptedPerSecond: run.accepted / (run.wallMs / 1000),
            experts: run.iterations[0]?.experts ?? {},
          });
        }
        return results;
      },
    );
    const paper = results.find((result) => result.variant === 'paper')!;
    for (const result of results) result.ratioToPaper = result.tokensPerAccepted / paper.tokensPerAccepted;
    const cascade = results.find((result) => result.variant === 'cascade')!;
    const offlineRejected = ['structure', 'repetition', 'grounding', 'near-duplicate'].reduce(
      (sum, expert) => sum + ((cascade.experts[expert]?.total ?? 0) - (cascade.experts[expert]?.passed ?? 0)),
      0,
    );
    return {
      ...scenarioTiming(this, startedAt),
      settings: {
        pairs,
        candidatesPerPair: 2,
        latencyMs: 0,
        workerProcesses: 2,
        workerConcurrencyPerQueue: 32,
      },
      metrics: { variants: results, foreignCpuShare: usage.foreignCpuShare },
      rows: VARIANTS.map(({ variant, label }) => {
        const result = results.find((entry) => entry.variant === variant)!;
        return {
          measure: label,
          value: `${fixed(0)(result.tokensPerAccepted)} tokens/accepted (×${fixed(2)(result.ratioToPaper!)} of paper), ${fixed(1)(result.callsPerPair)} calls/pair, ${result.accepted}/${pairs} accepted, ${fixed(0)(result.acceptedPerSecond)} accepted/s`,
        };
      }),
      notes: [
        'Tokens are the simulator’s counts (input + output) over every call of the run, divided by the accepted conversations.',
        `The panel always runs offline filters before LLM ones and stops a candidate at its first failed filter, so a "no cascade" panel cannot be configured; the cascade is measured against the paper's panel (LLM filters only). On the simulator's text the offline filters rejected ${offlineRejected} of ${cascade.pairs * 2} candidates: ${offlineRejected === 0 ? 'the cascade saves nothing here, and its difference from the paper’s panel is run-to-run variation (each run has its own ids, so its own prompts and verdicts)' : 'each rejection spared that candidate’s LLM filter calls and its place in the vote'}. Real model output fails the structure and repetition checks more often, and every candidate they stop saves its two LLM filter calls and, when its pair is left with one survivor, the whole vote.`,
        'Rubric panels replace the 10 pairwise calls per pair (5 FED policies × both orders for 2 finalists) with one batched call, whose prompt holds both candidates.',
      ],
    };
  },
};
