import { emptyUsageTotals } from '@parley/llm';
import type { IterationView, RunView } from '@parley/scheduler';
import { describe, expect, it } from 'vitest';
import { plainProgressLine, progressBlock } from './progress-lines';

const iteration = (fields: Partial<IterationView>): IterationView => ({
  iteration: 1,
  state: 'running',
  planned: 20,
  enqueued: 20,
  accepted: 0,
  rejected: 0,
  failed: 0,
  done: 0,
  acceptanceRate: null,
  experts: {},
  startedAt: 0,
  finishedAt: null,
  durationMs: null,
  pairsPerMinute: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  losingRate: null,
  failures: {},
  inFlight: null,
  ...fields,
});

function view(fields: Partial<RunView> = {}): RunView {
  return {
    run: {
      id: 'demo-1',
      name: 'demo',
      status: 'running',
      phase: 'iteration',
      iteration: 2,
      iterations: 2,
      runFolder: '/tmp/demo-1',
      createdAt: 0,
      updatedAt: 0,
    },
    terminal: false,
    config: null,
    iterations: [
      iteration({ state: 'finished', done: 20, accepted: 18, rejected: 2 }),
      iteration({ iteration: 2, done: 7, accepted: 6, failed: 1 }),
    ],
    expertOrder: [],
    failures: [],
    driver: null,
    release: { state: 'pending' },
    budget: { costUsd: 0.0123, maxCostUsd: null, tokens: 0, maxTokens: null },
    progress: {
      pairsDone: 27,
      pairsPlanned: 40,
      fraction: 27 / 40,
      elapsedMs: 114_000,
      pairsPerMinute: 14.2,
      etaMs: 55_000,
      eta: { etaMs: 55_000, lowMs: 45_000, highMs: 65_000, sampleSize: 27, rough: false },
    },
    usage: { total: emptyUsageTotals(), byModel: {}, byStage: {} },
    evaluation: null,
    generatedAt: 0,
    ...fields,
  };
}

describe('progress lines', () => {
  it('draw a bar per begun iteration, then the pace, ETA, dollars and elapsed time', () => {
    expect(progressBlock(view())).toEqual([
      'iteration 1/2 [████████████████████████] 20/20 pairs · accepted 18 · rejected 2 · failed 0',
      'iteration 2/2 [████████░░░░░░░░░░░░░░░░] 7/20 pairs · accepted 6 · rejected 0 · failed 1',
      'running (iteration 2/2) · 27/40 pairs · 14.2 pairs/min · ETA 55s · $0.0123 → ~$0.0182 · elapsed 1m 54s',
    ]);
  });

  it('fold the provider trouble the ledger counts and the last warning into the block', () => {
    const troubled = view({
      usage: {
        total: { ...emptyUsageTotals(), retries: 12, rateLimited: 9, invalidOutputs: 4 },
        byModel: {},
        byStage: {},
      },
    });
    const block = progressBlock(troubled, `generate: structured output rejected: ${'x'.repeat(200)}`);
    expect(block.at(-2)).toBe('warnings: 12 retries, 9 × 429, 4 malformed answers, 0 failed');
    expect(block.at(-1)).toMatch(/^last warning: generate: structured output rejected: x+…$/);
    expect(block.at(-1)!.length).toBe('last warning: '.length + 80);
  });

  it('mark a rough ETA, and none before there is a pace or once the run is over', () => {
    const rough = view();
    rough.progress.eta = { etaMs: 40_000, lowMs: 20_000, highMs: 60_000, sampleSize: 3, rough: true };
    expect(progressBlock(rough).at(-1)).toContain('· ETA ~40s ·');
    const early = view({ iterations: [iteration({})] });
    early.progress = { ...early.progress, pairsDone: 0, pairsPerMinute: null, eta: null, etaMs: null };
    expect(progressBlock(early).at(-1)).toContain('· – pairs/min · ETA – ·');
    const over = view({ terminal: true });
    over.run = { ...over.run, status: 'completed', phase: 'done' };
    expect(progressBlock(over).at(-1)).toMatch(
      /^completed · 27\/40 pairs · 14\.2 pairs\/min · done · \$0\.0123/,
    );
  });

  it('say the same on one line where there is no terminal', () => {
    expect(plainProgressLine(view())).toBe(
      'demo-1: running (iteration 2/2) · 27/40 pairs · 14.2 pairs/min · ETA 55s · $0.0123 → ~$0.0182 · elapsed 1m 54s · iteration 1: 20/20 (accepted 18, rejected 2, failed 0) · iteration 2: 7/20 (accepted 6, rejected 0, failed 1)',
    );
  });
});
