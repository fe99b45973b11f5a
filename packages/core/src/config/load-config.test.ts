import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseRunConfig } from './load-config';

const validJob = `
name: demo
seed:
  path: seeds/parley-seed.jsonl
iterations: 2
pairs: 10
models:
  sim:
    provider: simulator
    model: parley-sim
generator:
  model: sim
critic:
  model: sim
`;

function problemsOf(text: string): string[] {
  try {
    parseRunConfig(text, 'job.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.line ?? '-'} ${p.path}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('parseRunConfig', () => {
  it('applies defaults to a minimal job', () => {
    const config = parseRunConfig(validJob);
    expect(config.iterations).toBe(2);
    expect(config.candidatesPerPair).toBe(2);
    expect(config.generator.temperature).toBe(0.7);
    expect(config.generator.topK).toBe(40);
    expect(config.critic.mode).toBe('pairwise');
    expect(config.personas.mode).toBe('seed-pairs');
    expect(config.models.sim?.timeoutMs).toBe(60_000);
    expect(config.output.split).toEqual({ train: 0.8, valid: 0.1, test: 0.1 });
  });

  it('reports every problem at once, with path, line and the value found', () => {
    const text = validJob
      .replace('iterations: 2', 'iterations: three')
      .replace('pairs: 10', 'pairs: -4')
      .replace('  model: sim\ncritic', '  model: missing\ncritic');
    const problems = problemsOf(text);
    expect(problems).toContain('5 iterations: expected a positive integer, got "three"');
    expect(problems).toContain('6 pairs: expected a positive integer, got -4');
    expect(problems.some((p) => p.includes('generator.model: names model "missing"'))).toBe(true);
    expect(problems).toHaveLength(3);
  });

  it('names unknown keys and missing required sections', () => {
    const problems = problemsOf('name: x\nseeds: {}\nmodels: {}\n');
    expect(problems).toContain('2 seeds: unknown key (check its spelling and level)');
    expect(problems.some((p) => p.startsWith('- seed: is required'))).toBe(true);
    expect(problems.some((p) => p.includes('generator: is required'))).toBe(true);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('name: x\nseed: [unclosed\n');
    expect(problems[0]).toMatch(/^\d+ : not valid YAML or JSON/);
  });

  it('accepts JSON job files', () => {
    const json = JSON.stringify({
      name: 'json-job',
      seed: { path: 'a.csv' },
      models: { m: { provider: 'openai', model: 'gpt-4o-mini' } },
      generator: { model: 'm' },
      critic: { model: 'm' },
    });
    expect(parseRunConfig(json).models.m?.provider).toBe('openai');
  });

  it('requires prices when a cost budget is set, and a base URL for openai-compatible', () => {
    const text = `${validJob}budget:\n  maxCostUsd: 5\n`.replace(
      'provider: simulator',
      'provider: openai-compatible',
    );
    const problems = problemsOf(text);
    expect(problems.some((p) => p.includes('models.sim.price: a price is needed'))).toBe(true);
    expect(problems.some((p) => p.includes('models.sim.baseURL: openai-compatible needs a baseURL'))).toBe(
      true,
    );
  });
});
