import type { RunConfigInput } from '@parley/core';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '@parley/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { probeProviders } from './probe-providers';
import { testRunConfig } from './test-support/test-config';

type ModelInput = RunConfigInput['models'][string];

const environment = {
  OPENAI_API_KEY: 'sk-test-not-a-real-key-0000',
  ANTHROPIC_API_KEY: 'sk-ant-test-not-real-0000',
};
const simulators: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
});

async function simulatorWith(faults: SimulatorOptions['faults'] = {}): Promise<RunningSimulator> {
  const simulator = await startSimulator({ seed: 3, faults });
  simulators.push(simulator);
  return simulator;
}

/** An OpenAI and an Anthropic binding, both sending a temperature, against one simulator. */
function bindings(simulator: RunningSimulator): Record<string, ModelInput> {
  return {
    gpt: {
      provider: 'openai',
      model: 'gpt-4o-mini',
      baseURL: simulator.openaiBaseURL,
      decoding: { temperature: 0.7 },
    },
    claude: {
      provider: 'anthropic',
      model: 'claude-haiku-5-0',
      baseURL: simulator.anthropicBaseURL,
      decoding: { temperature: 0.7 },
    },
  };
}

describe('probeProviders (authenticated, per model binding)', () => {
  it('passes a healthy setup with one 1-token request per binding', async () => {
    const simulator = await simulatorWith();
    expect(await probeProviders(testRunConfig(bindings(simulator)), environment)).toEqual([]);
    expect(simulator.stats().requests.byRoute).toEqual({
      'POST /v1/chat/completions': 1,
      'POST /v1/messages': 1,
    });
    expect(simulator.stats().tokens.output).toBeLessThanOrEqual(2);
  });

  it('names the binding and the cause of a wrong key, within 10 s', async () => {
    const simulator = await simulatorWith({ unauthorized: 1 });
    const started = performance.now();
    const problems = await probeProviders(testRunConfig(bindings(simulator)), environment);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(problems.map((problem) => problem.path).sort()).toEqual([
      'models.claude.apiKeyEnv',
      'models.gpt.apiKeyEnv',
    ]);
    expect(problems.find((problem) => problem.path === 'models.gpt.apiKeyEnv')!.message).toMatch(
      /refused the API key \(HTTP 401: .*Incorrect API key/,
    );
    // The key itself never appears.
    expect(JSON.stringify(problems)).not.toContain(environment.OPENAI_API_KEY);
  });

  it('reports an unknown model against models.<name>.model', async () => {
    const simulator = await simulatorWith({ modelNotFound: 1 });
    const problems = await probeProviders(testRunConfig(bindings(simulator)), environment);
    expect(problems).toContainEqual({
      path: 'models.gpt.model',
      message: expect.stringMatching(
        /does not serve model "gpt-4o-mini".*HTTP 404: The model `gpt-4o-mini` does not exist/,
      ),
    });
    expect(problems.map((problem) => problem.path)).toContain('models.claude.model');
  });

  it('sends the binding’s real decoding, so a refused temperature shows', async () => {
    const simulator = await simulatorWith({ unsupportedParameter: 1 });
    const config = testRunConfig(bindings(simulator));
    // Anthropic bindings drop temperature unless the registry sends sampling parameters.
    expect(await probeProviders(config, environment)).toEqual([
      {
        path: 'models.gpt.decoding',
        message: expect.stringMatching(/refused .*HTTP 400: Unsupported parameter: 'temperature'/),
      },
    ]);
    const sending = await probeProviders(config, environment, { anthropicSamplingParameters: 'send' });
    expect(sending.map((problem) => problem.path).sort()).toEqual([
      'models.claude.decoding',
      'models.gpt.decoding',
    ]);
  });

  it('reports an exhausted account, and lets rate limits and server errors pass', async () => {
    const quota = await simulatorWith({ insufficientQuota: 1 });
    const problems = await probeProviders(testRunConfig(bindings(quota)), environment);
    expect(problems.map((problem) => problem.path).sort()).toEqual(['models.claude', 'models.gpt']);
    expect(problems[0]!.message).toMatch(/no quota or credit left/);
    const busy = await simulatorWith({ rateLimited: 0.5, serverError: 0.5 });
    expect(await probeProviders(testRunConfig(bindings(busy)), environment)).toEqual([]);
  });

  it('reports an unreachable server and a stalled one within the probe timeout', async () => {
    const stalled = await simulatorWith({ stallAfterHeaders: 1 });
    const config = testRunConfig({
      ...bindings(stalled),
      local: { provider: 'openai-compatible', model: 'm', baseURL: 'http://127.0.0.1:9/v1' },
    });
    const started = performance.now();
    const problems = await probeProviders(config, environment, { timeoutMs: 500 });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(problems).toContainEqual({
      path: 'models.local.baseURL',
      message: expect.stringMatching(/http:\/\/127\.0\.0\.1:9\/v1 is unreachable/),
    });
    expect(problems).toContainEqual({
      path: 'models.gpt.baseURL',
      message: expect.stringMatching(/gave no answer within 500 ms/),
    });
  });

  it('skips bindings whose key is missing (checkModels reports those)', async () => {
    const simulator = await simulatorWith({ unauthorized: 1 });
    expect(await probeProviders(testRunConfig(bindings(simulator)), {})).toEqual([]);
    expect(simulator.stats().requests.total).toBe(0);
  });
});
