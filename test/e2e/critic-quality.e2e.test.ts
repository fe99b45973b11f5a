import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Conversation, conversationSchema, randomFor, SIMULATED_DEFECT_KINDS } from '@parley/core';
import { type DefectKind, plantDefect } from '@parley/critic';
import { type RunningSimulator, seenDefects, startSimulator } from '@parley/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QualitySummary, runQualityJob, summarizeQuality } from '../../bench/support/quality-run';
import { REPO_ROOT } from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { testNamespace } from '../support/test-jobs';

// Kinds planted into a fifth of the seed: flawed examples, as real seeds have (on the SPC test
// split the simulator's judges see a defect in 11 % of the human conversations).
const SEED_FLAWS: DefectKind[] = [
  'verbatim-copy',
  'repeated-turns',
  'shuffled',
  'self-contradiction',
  'abuse',
];

const DEFECT_RATES = Object.fromEntries(SIMULATED_DEFECT_KINDS.map((kind) => [kind, 0.2]));

/** The repository's seed with every fifth conversation given one defect. */
async function writeFlawedSeed(folder: string): Promise<{ file: string; flawed: number; total: number }> {
  const lines = (await readFile(path.join(REPO_ROOT, 'seeds/parley-seed.jsonl'), 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '');
  const conversations = lines.map((line) => conversationSchema.parse(JSON.parse(line)));
  let flawed = 0;
  const written = conversations.map((conversation, index): Conversation => {
    if (index % 5 !== 0) return conversation;
    const kind = SEED_FLAWS[(index / 5) % SEED_FLAWS.length]!;
    const result = plantDefect(kind, conversation, { random: randomFor(5, conversation.id) });
    if (!('planted' in result)) return conversation;
    flawed++;
    return result.planted;
  });
  const file = path.join(folder, 'flawed-seed.jsonl');
  await writeFile(file, `${written.map((conversation) => JSON.stringify(conversation)).join('\n')}\n`);
  return { file, flawed, total: conversations.length };
}

describe('the Critic on the content-aware simulator (quality, small)', { timeout: 180_000 }, () => {
  let folder: string;
  let seed: { file: string; flawed: number; total: number };
  const namespaces: string[] = [];
  const simulators: RunningSimulator[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'parley-quality-'));
    seed = await writeFlawedSeed(folder);
  });
  afterAll(async () => {
    for (const simulator of simulators) await simulator.close();
    for (const namespace of namespaces) await deleteNamespace(namespace);
  });

  const run = async (variant: 'cascade' | 'paper' | 'accept-all') => {
    // One simulator per run: the default judges (the paper's accuracy range), defect rates
    // doubled so that 24 pairs show the effects.
    const simulator = await startSimulator({ seed: 3, quality: { defectRates: DEFECT_RATES } });
    simulators.push(simulator);
    const namespace = testNamespace(`quality-${variant}`);
    namespaces.push(namespace);
    const result = await runQualityJob({
      variant,
      simulator,
      folder: path.join(folder, variant),
      seedPath: seed.file,
      pairs: 24,
      iterations: 3,
      namespace,
    });
    return { ...result, summary: summarizeQuality(result.candidates) };
  };

  it('keeps defective candidates out, and the next iterations learn from cleaner examples; accept-all does not', async () => {
    // The fixture: the judges see most planted flaws in the seed's text (not every shuffle shows).
    const seeded = (await readFile(seed.file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => conversationSchema.parse(JSON.parse(line)));
    expect(seed.flawed).toBe(5);
    expect(
      seeded.filter((conversation) => seenDefects(conversation).length > 0).length,
    ).toBeGreaterThanOrEqual(Math.floor(seed.flawed * 0.7));

    const cascade = await run('cascade');
    const paper = await run('paper');
    const control = await run('accept-all');
    for (const result of [cascade, paper, control]) expect(result.unlabelled).toBe(0);
    if (process.env.PARLEY_QUALITY_DEBUG)
      console.log(JSON.stringify([cascade.summary, paper.summary.byIteration, control.summary.byIteration]));
    const any = (summary: QualitySummary) => summary.kinds.find((kind) => kind.kind === 'any')!;

    for (const result of [cascade, paper]) {
      expect(result.summary.candidates).toBeGreaterThanOrEqual(24 * 2 * 3 - 6);
      expect(any(result.summary).candidateRate).toBeGreaterThan(0.2);
      // Iteration 1 learns from the flawed seed, iterations 2–3 from accepted conversations.
      const [first, , third] = result.summary.byIteration;
      expect(third!.candidateRate).toBeLessThan(first!.candidateRate);
    }
    // Parley's default panel keeps its accepted conversations cleaner iteration after iteration,
    // and cleaner than accept-all's in every iteration.
    const [first, , third] = cascade.summary.byIteration;
    expect(third!.acceptedRate).toBeLessThan(first!.acceptedRate);
    for (const [index, iteration] of cascade.summary.byIteration.entries()) {
      expect(iteration.acceptedRate).toBeLessThan(control.summary.byIteration[index]!.acceptedRate);
    }
    // Parley's default panel (offline filters first): accepted conversations carry at most a
    // third of the candidates' defect rate, and its filters mostly reject defective candidates.
    expect(any(cascade.summary).acceptedRate).toBeLessThanOrEqual(any(cascade.summary).candidateRate / 3);
    expect(any(cascade.summary).recall).toBeGreaterThan(0.8);
    expect(any(cascade.summary).precision).toBeGreaterThan(0.7);
    // The paper's panel (LLM filters at 0.88 and 0.96, then the vote) keeps fewer out: a clean
    // candidate wrongly filtered leaves its defective sibling alone to be accepted.
    expect(any(paper.summary).acceptedRate).toBeLessThan(any(paper.summary).candidateRate * 0.75);

    // The control: every candidate accepted, the flawed ones become the next examples.
    const [controlFirst, , controlThird] = control.summary.byIteration;
    expect(control.summary.accepted).toBe(control.summary.candidates);
    expect(controlThird!.acceptedRate).toBeGreaterThanOrEqual(controlFirst!.acceptedRate);
  });
});
