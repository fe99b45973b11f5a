import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseRunConfig, QUEUE_NAMES, RunStore } from '@parley/core';
import { recordUsage } from '@parley/llm';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '../create-run';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import { collectMetrics, METRICS_RUN_LIMIT } from './prometheus-metrics';
import { PROMETHEUS_CONTENT_TYPE, PrometheusText } from './prometheus-text';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format: every sample must follow its family's TYPE. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'HELP') helps.add(comment[2]!);
      else types.set(comment[2]!, comment[3]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const [, name, labelText, value] = sample!;
    expect(types.has(name!) && helps.has(name!), `sample before its HELP/TYPE: ${line}`).toBe(true);
    const labels: Record<string, string> = {};
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/g;
    let consumed = 0;
    for (const match of (labelText ?? '').matchAll(labelPattern)) {
      labels[match[1]!] = match[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed += match[0].length;
    }
    expect(consumed, `malformed labels: ${line}`).toBe((labelText ?? '').length);
    samples.push({ name: name!, labels, value: Number(value) });
  }
  return { samples, types };
}

function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value) &&
      Object.keys(sample.labels).length === Object.keys(labels).length,
  )?.value;
}

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');

const JOB = `
name: metrics
seed: { path: ${SEED} }
iterations: 2
pairs: 4
models:
  gen: { provider: simulator, model: sim-a }
  judge: { provider: simulator, model: sim-b }
generator: { model: gen }
critic: { model: judge }
`;

describe('/metrics', () => {
  let test: TestDashboard;
  const queues: Queue[] = [];
  let runningId: string;
  let completedId: string;

  beforeAll(async () => {
    test = await startTestDashboard();
    const queue = (name: string) => {
      const created = new Queue(name, { connection: test.redis, prefix: test.prefix });
      queues.push(created);
      return created;
    };
    const generate = queue(QUEUE_NAMES.generate);
    await generate.addBulk([1, 2, 3].map((index) => ({ name: 'generate', data: { index } })));
    await queue(QUEUE_NAMES.critique).add('critique', {}, { delay: 60_000 });
    await queue(QUEUE_NAMES.critique).add('critique', {}, { delay: 60_000 });
    const select = queue(QUEUE_NAMES.select);
    await select.add('select', {}, { attempts: 1 });
    // A worker that fails the one select job, so the failed count is real.
    const workerConnection = test.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      QUEUE_NAMES.select,
      async () => {
        throw new Error('simulated failure');
      },
      { connection: workerConnection, prefix: test.prefix },
    );
    await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await worker.close();
    workerConnection.disconnect();
    await queue(QUEUE_NAMES.settle).pause();

    const store = new RunStore(test.redis, test.prefix);
    const config = parseRunConfig(JOB, 'metrics.yaml');
    const running = await createRun(store, config, { runId: 'metrics-running' });
    const completed = await createRun(store, config, { runId: 'metrics-completed' });
    runningId = running.id;
    completedId = completed.id;
    await store.setStatus(running.id, 'running');
    await store.setStatus(completed.id, 'completed');
    await store.initIteration(running.id, 1, 4);
    await store.settlePair(running.id, 1, 'p1', 'accepted', {});
    await store.settlePair(running.id, 1, 'p2', 'accepted', {});
    await store.settlePair(running.id, 1, 'p2', 'accepted', {}); // a retried settle counts once
    await store.settlePair(running.id, 1, 'p3', 'rejected', {
      structure: { passed: 2, total: 2 },
      faithfulness: { passed: 1, total: 1, unparseable: 1 },
    });
    await store.initIteration(running.id, 2, 4);
    await store.settlePair(
      running.id,
      2,
      'p1',
      'failed',
      {},
      { 'provider-error (401 authentication_error)': 2 },
    );
    await store.settlePair(
      running.id,
      2,
      'p2',
      'failed',
      {},
      { timeout: 1, 'provider-error (401 authentication_error)': 1 },
    );
    await recordUsage(test.redis, test.prefix, running.id, 'gen', 'generate', {
      calls: 5,
      inputTokens: 1_000,
      outputTokens: 200,
      costUsd: 0.0125,
      retries: 2,
      rateLimited: 1,
      failedCalls: 1,
      cachedCalls: 4,
    });
    await recordUsage(test.redis, test.prefix, running.id, 'judge', 'critique:faithfulness', {
      calls: 2,
      inputTokens: 300,
      outputTokens: 10,
      costUsd: 0.001,
      invalidOutputs: 3,
    });
    await recordUsage(test.redis, test.prefix, running.id, 'gen', 'select:depth', {
      calls: 1,
      inputTokens: 50,
    });
  });

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await test.close();
  });

  it('exports queue counts, runs by status and LLM usage that match their sources', async () => {
    const response = await fetch(new URL('/metrics', test.dashboard.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    const { samples, types } = parseExposition(await response.text());

    expect(types.get('parley_queue_jobs')).toBe('gauge');
    expect(types.get('parley_llm_tokens_total')).toBe('counter');
    for (const queue of queues) {
      const counts = await queue.getJobCounts();
      for (const [state, count] of Object.entries(counts)) {
        expect(
          sampleValue(samples, 'parley_queue_jobs', { queue: queue.name, state }),
          `${queue.name} ${state}`,
        ).toBe(count);
      }
    }
    expect(sampleValue(samples, 'parley_queue_jobs', { queue: 'generate', state: 'waiting' })).toBe(3);
    expect(sampleValue(samples, 'parley_queue_jobs', { queue: 'critique', state: 'delayed' })).toBe(2);
    expect(sampleValue(samples, 'parley_queue_jobs', { queue: 'select', state: 'failed' })).toBe(1);
    expect(sampleValue(samples, 'parley_queue_paused', { queue: 'settle' })).toBe(1);
    expect(sampleValue(samples, 'parley_queue_paused', { queue: 'generate' })).toBe(0);

    expect(sampleValue(samples, 'parley_runs', { status: 'running' })).toBe(1);
    expect(sampleValue(samples, 'parley_runs', { status: 'completed' })).toBe(1);
    expect(sampleValue(samples, 'parley_runs', { status: 'failed' })).toBe(0);

    const run = runningId;
    expect(sampleValue(samples, 'parley_run_pairs_total', { run, outcome: 'accepted' })).toBe(2);
    expect(sampleValue(samples, 'parley_run_pairs_total', { run, outcome: 'rejected' })).toBe(1);
    expect(sampleValue(samples, 'parley_run_pairs_total', { run, outcome: 'failed' })).toBe(2);
    // Planned over every iteration (the second planned like the first), status, experts, failures.
    expect(sampleValue(samples, 'parley_run_pairs_planned', { run })).toBe(8);
    expect(sampleValue(samples, 'parley_run_pairs_planned', { run: completedId })).toBe(0);
    expect(sampleValue(samples, 'parley_run_status', { run, status: 'running' })).toBe(1);
    expect(sampleValue(samples, 'parley_run_status', { run, status: 'completed' })).toBe(0);
    expect(sampleValue(samples, 'parley_run_status', { run: completedId, status: 'completed' })).toBe(1);
    expect(
      samples.filter((sample) => sample.name === 'parley_run_status' && sample.labels.run === run),
    ).toHaveLength(6);
    expect(sampleValue(samples, 'parley_run_info', { run, name: 'metrics' })).toBe(1);
    const verdicts = (expert: string, verdict: string) =>
      sampleValue(samples, 'parley_run_expert_verdicts_total', { run, expert, verdict });
    expect([verdicts('structure', 'passed'), verdicts('structure', 'rejected')]).toEqual([2, 0]);
    expect(['passed', 'rejected', 'unparseable'].map((verdict) => verdicts('faithfulness', verdict))).toEqual(
      [1, 0, 1],
    );
    expect(
      sampleValue(samples, 'parley_run_failures_total', {
        run,
        category: 'provider-error (401 authentication_error)',
      }),
    ).toBe(3);
    expect(sampleValue(samples, 'parley_run_failures_total', { run, category: 'timeout' })).toBe(1);
    expect(types.get('parley_run_failures_total')).toBe('counter');
    expect(sampleValue(samples, 'parley_run_pairs_total', { run: completedId, outcome: 'accepted' })).toBe(0);

    // Model "gen" adds up over its two stages.
    expect(sampleValue(samples, 'parley_llm_calls_total', { run, model: 'gen' })).toBe(6);
    expect(sampleValue(samples, 'parley_llm_calls_total', { run, model: 'judge' })).toBe(2);
    expect(sampleValue(samples, 'parley_llm_cached_calls_total', { run, model: 'gen' })).toBe(4);
    expect(sampleValue(samples, 'parley_llm_tokens_total', { run, model: 'gen', direction: 'input' })).toBe(
      1_050,
    );
    expect(sampleValue(samples, 'parley_llm_tokens_total', { run, model: 'gen', direction: 'output' })).toBe(
      200,
    );
    expect(sampleValue(samples, 'parley_llm_tokens_total', { run, model: 'judge', direction: 'input' })).toBe(
      300,
    );
    expect(sampleValue(samples, 'parley_llm_cost_usd_total', { run, model: 'gen' })).toBeCloseTo(0.0125, 10);
    expect(sampleValue(samples, 'parley_llm_errors_total', { run, model: 'gen', kind: 'retry' })).toBe(2);
    expect(sampleValue(samples, 'parley_llm_errors_total', { run, model: 'gen', kind: 'rate_limited' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'parley_llm_errors_total', { run, model: 'gen', kind: 'failed_call' })).toBe(
      1,
    );
    expect(
      sampleValue(samples, 'parley_llm_errors_total', { run, model: 'judge', kind: 'invalid_output' }),
    ).toBe(3);
    expect(sampleValue(samples, 'parley_llm_errors_total', { run, model: 'judge', kind: 'retry' })).toBe(0);
  });
});

describe('/metrics per-run series', () => {
  it('cover only the newest runs, so the label set stays bounded', async () => {
    const test = await startTestDashboard();
    try {
      const store = new RunStore(test.redis, test.prefix);
      const config = parseRunConfig(JOB, 'metrics.yaml');
      for (let index = 0; index < 4; index++) {
        const run = await createRun(store, config, { runId: `bounded-${index}` });
        // Distinct creation times, oldest first.
        await test.redis.zadd(`${test.prefix}:runs`, index + 1, run.id);
      }
      const text = await collectMetrics({
        queues: [],
        store,
        redis: test.redis,
        prefix: test.prefix,
        runLimit: 2,
      });
      const { samples } = parseExposition(text);
      const runs = new Set(samples.filter((sample) => sample.labels.run).map((sample) => sample.labels.run));
      expect([...runs].sort()).toEqual(['bounded-2', 'bounded-3']);
      expect(sampleValue(samples, 'parley_runs', { status: 'pending' })).toBe(4);
      expect(METRICS_RUN_LIMIT).toBe(100);
    } finally {
      await test.close();
    }
  });
});

describe('the example Grafana board (docs/grafana/parley-dashboard.json)', () => {
  it('queries only metrics and labels that /metrics exports', async () => {
    const file = path.resolve(import.meta.dirname, '../../../../docs/grafana/parley-dashboard.json');
    const board = JSON.parse(await readFile(file, 'utf8')) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
      templating: { list: Array<{ definition?: string }> };
    };
    const expressions = [
      ...board.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
      ...board.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
    ];
    expect(expressions.length).toBeGreaterThan(10);
    const test = await startTestDashboard();
    try {
      const store = new RunStore(test.redis, test.prefix);
      const text = await collectMetrics({ queues: [], store, redis: test.redis, prefix: test.prefix });
      const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
      for (const expression of expressions) {
        for (const [name] of expression.matchAll(/parley_[a-z_]+/g)) {
          expect(exported.has(name), `${name} in ${expression}`).toBe(true);
        }
      }
    } finally {
      await test.close();
    }
  });
});

describe('PrometheusText', () => {
  it('escapes label values and refuses undeclared or invalid names', () => {
    const text = new PrometheusText()
      .declare('example_total', 'counter', 'Help with a \\ backslash\nand a newline.')
      .add('example_total', { label: 'quote " backslash \\ newline \n' }, 1.5)
      .toString();
    expect(text).toBe(
      '# HELP example_total Help with a \\\\ backslash\\nand a newline.\n# TYPE example_total counter\n' +
        'example_total{label="quote \\" backslash \\\\ newline \\n"} 1.5\n',
    );
    expect(parseExposition(text).samples[0]?.labels.label).toBe('quote " backslash \\ newline \n');
    expect(() => new PrometheusText().add('missing', {}, 1)).toThrow(/not declared/);
    expect(() => new PrometheusText().declare('bad-name', 'gauge', 'x')).toThrow(/not valid/);
  });
});
