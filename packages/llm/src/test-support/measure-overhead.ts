/**
 * Measures what the middleware costs per call: the bare adapter against the simulator (no
 * latency) versus the same calls through the registry (Redis limiter with every limit set,
 * budget, accounting), sequentially, on the local Redis. Prints one JSON report.
 * Run: node --import tsx packages/llm/src/test-support/measure-overhead.ts [calls]
 */
import { startSimulator } from '@parley/simulator';
import { createModelRegistry } from '../model-registry';
import { OpenAILanguageModel } from '../openai/openai-language-model';
import { testRunConfig } from './test-config';
import { createTestRedis } from './test-redis';

const calls = Number(process.argv[2] ?? 300);
const simulator = await startSimulator({ seed: 1 });
const testRedis = createTestRedis();
const messages = (index: number) => [
  { role: 'system' as const, content: 'You write short conversations between two people.' },
  { role: 'user' as const, content: `Write conversation number ${index} about a hobby.` },
];

async function time(label: string, call: (index: number) => Promise<unknown>) {
  for (let index = 0; index < 20; index++) await call(-index - 1); // warm-up: connections, scripts, JIT
  const durations: number[] = [];
  for (let index = 0; index < calls; index++) {
    const started = performance.now();
    await call(index);
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  const mean = durations.reduce((sum, value) => sum + value, 0) / durations.length;
  return {
    label,
    meanMs: Number(mean.toFixed(3)),
    p50Ms: Number(durations[Math.floor(durations.length / 2)]!.toFixed(3)),
    p95Ms: Number(durations[Math.floor(durations.length * 0.95)]!.toFixed(3)),
  };
}

const adapter = new OpenAILanguageModel({
  provider: 'simulator',
  model: 'parley-sim',
  baseURL: simulator.openaiBaseURL,
});
const bare = await time('bare adapter', (index) =>
  adapter.doGenerate({ messages: messages(index), decoding: {} }),
);

const limited = testRunConfig(
  {
    sim: {
      provider: 'simulator',
      model: 'parley-sim',
      limits: {
        requestsPerMinute: 1_000_000,
        inputTokensPerMinute: 100_000_000,
        outputTokensPerMinute: 100_000_000,
        maxConcurrency: 64,
      },
      price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 },
    },
  },
  { budget: { maxTokens: 1_000_000_000, maxCostUsd: 1_000 } },
);
const unlimited = testRunConfig({ sim: { provider: 'simulator', model: 'parley-sim' } });
const registry = (config: typeof limited, runId: string) =>
  createModelRegistry({
    config,
    redis: testRedis.redis,
    prefix: testRedis.prefix,
    runId,
    simulatorUrl: simulator.url,
  });
const full = registry(limited, 'overhead-full').languageModel('sim');
const plain = registry(unlimited, 'overhead-plain').languageModel('sim');
const guardedFull = await time('registry: all limits + budget + accounting', (index) =>
  full.generateText({ messages: messages(index), stage: 'measure' }),
);
const guardedPlain = await time('registry: no limits, no budget (accounting only)', (index) =>
  plain.generateText({ messages: messages(index), stage: 'measure' }),
);
process.stdout.write(
  `${JSON.stringify(
    {
      calls,
      results: [bare, guardedFull, guardedPlain],
      overheadMeanMs: {
        full: Number((guardedFull.meanMs - bare.meanMs).toFixed(3)),
        plain: Number((guardedPlain.meanMs - bare.meanMs).toFixed(3)),
      },
    },
    null,
    2,
  )}\n`,
);
await simulator.close();
await testRedis.cleanup();
