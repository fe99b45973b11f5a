import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Conversation } from '@parley/core';
import { measureCatchRates } from '@parley/critic';
import { readSeed } from '@parley/dataset';
import { startSimulator } from '@parley/simulator';
import { deleteNamespace } from '../../test/support/redis-namespace';
import { SPC_TEST_CSV } from '../support/bench-paths';
import {
  type QualityRun,
  type QualityVariant,
  runQualityJob,
  summarizeQuality,
} from '../support/quality-run';
import { atLeast, atMost, fixed, type Scenario, scenarioTiming, type TableRow } from '../support/scenario';

const VARIANTS: Array<{ variant: QualityVariant; label: string }> = [
  { variant: 'paper', label: 'paper: LLM filters + pairwise FED vote' },
  { variant: 'cascade', label: 'cascade: offline filters first + pairwise vote' },
  { variant: 'rubric', label: 'LLM filters + batched rubric' },
  { variant: 'offline-rubric', label: 'offline filters only + batched rubric' },
  { variant: 'accept-all', label: 'control: accept-all (1 candidate, no filter)' },
];
const ITERATIONS = 3;

const percent = (value: number) => (Number.isNaN(value) ? '–' : `${(value * 100).toFixed(1)} %`);

/**
 * Scenario `quality`: does the Critic keep defective conversations out, and does the next
 * iteration get better? Every panel runs the same job (SPC test split, 3 iterations) against the
 * content-aware simulator with its default settings (the paper's accuracy range,
 * docs/simulator.md); candidates are labelled with the simulator's record of what it planted (measuring
 * only: the judges read the text). Then the offline experts on the SPC test split with planted
 * defects (`parley critic score`'s measurement).
 */
export const qualityScenario: Scenario = {
  id: 'quality',
  title: 'Critic quality: defect rates, precision and recall, learning over iterations',
  async run(context) {
    const startedAt = new Date();
    const pairs = context.quick ? 30 : 150;
    const runs: Array<QualityRun & { summary: ReturnType<typeof summarizeQuality> }> = [];
    for (const { variant } of VARIANTS) {
      const simulator = await startSimulator({ seed: 7 });
      const namespace = `bench-quality-${randomUUID().slice(0, 8)}`;
      context.log(`quality: ${pairs} pairs × ${ITERATIONS} iterations with ${variant}`);
      try {
        const run = await runQualityJob({
          variant,
          simulator,
          folder: path.join(context.folder, variant),
          seedPath: SPC_TEST_CSV,
          pairs,
          iterations: ITERATIONS,
          namespace,
          examplePoolSize: 20,
          concurrency: 16,
        });
        runs.push({ ...run, summary: summarizeQuality(run.candidates) });
      } finally {
        await simulator.close();
        await deleteNamespace(namespace);
      }
    }

    context.log('quality: offline experts on the SPC test split with planted defects');
    const { records } = await readSeed(SPC_TEST_CSV, { format: 'spc-csv' }).collect();
    const spc: Conversation[] = records.map((record) => record.conversation);
    const catches = await measureCatchRates(spc, { seed: 1 });
    // Untouched conversations rejected for a reason other than unfilled placeholders (which are a
    // defect of the seed, not a false alarm) are the false positives.
    const falsePositives = catches.untouched.rejected;
    const offline = catches.kinds.map((kind) => ({
      kind: kind.kind,
      planted: kind.planted,
      recall: kind.share,
      precision: kind.caught / Math.max(1, kind.caught + falsePositives),
      candidateRate: kind.planted / (kind.planted + catches.untouched.total),
      acceptedRate:
        (kind.planted - kind.caught) /
        Math.max(1, kind.planted - kind.caught + catches.untouched.total - falsePositives),
    }));

    const rows: TableRow[] = [];
    for (const run of runs) {
      const any = run.summary.kinds.find((kind) => kind.kind === 'any')!;
      const label = VARIANTS.find((entry) => entry.variant === run.variant)!.label;
      const iterations = run.summary.byIteration
        .map((iteration) => percent(iteration.acceptedRate))
        .join(' → ');
      rows.push({
        measure: `${label}`,
        value: `candidates ${percent(any.candidateRate)} defective, accepted ${percent(any.acceptedRate)}; by iteration ${iterations}; recall ${percent(any.recall)}, filter precision ${percent(any.precision)}; ${fixed(0)(run.tokens / Math.max(1, run.summary.accepted))} tokens/accepted`,
      });
      if (run.variant !== 'accept-all') {
        rows.push(
          atMost(
            `${run.variant}: accepted ÷ candidate defect rate`,
            any.acceptedRate / any.candidateRate,
            1 / 3,
          ),
        );
      }
    }
    const paper = runs.find((run) => run.variant === 'paper')!.summary.byIteration;
    const control = runs.find((run) => run.variant === 'accept-all')!.summary.byIteration;
    rows.push(
      atMost(
        'paper: accepted defect rate, iteration 3 ÷ iteration 1',
        paper[2]!.acceptedRate / paper[0]!.acceptedRate,
        0.99,
      ),
      atLeast(
        'control: accepted defect rate, iteration 3 ÷ iteration 1 (no fall)',
        control[2]!.acceptedRate / control[0]!.acceptedRate,
        1,
      ),
    );
    for (const kind of offline) {
      rows.push({
        measure: `offline experts on SPC, ${kind.kind}`,
        value: `caught ${percent(kind.recall)} of ${kind.planted}, precision ${percent(kind.precision)}`,
      });
    }
    return {
      ...scenarioTiming(this, startedAt),
      settings: {
        pairs,
        iterations: ITERATIONS,
        candidatesPerPair: 2,
        seed: 'SPC test split',
        examplePool: 20,
        simulator: 'default quality settings',
      },
      metrics: {
        runs: runs.map((run) => ({
          variant: run.variant,
          tokens: run.tokens,
          wallMs: run.wallMs,
          unlabelled: run.unlabelled,
          ...run.summary,
        })),
        offline: { bounds: catches.bounds, untouched: catches.untouched, kinds: offline },
      },
      rows,
      notes: [
        'Defect labels come from the simulator’s record of what its Generator planted; the judges never read it (they parse the conversation from the prompt and apply the Critic’s offline measures with noise at their configured accuracy).',
        'Recall: share of defective candidates kept out (filtered or lost the vote). Filter precision per kind: of the candidates the filters rejected, those with the kind over those with it plus the clean ones.',
        'SPC rows: each kind planted once into every conversation the offline experts pass; precision counts as false positives the untouched conversations rejected for reasons other than unfilled placeholders.',
        'No real LLM here: these numbers show that the pipeline acts on what judges report and that the example pool carries quality forward; they cannot show how well a real model judges or learns.',
      ],
    };
  },
};
