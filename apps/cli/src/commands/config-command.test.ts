import path from 'node:path';
import { loadRunConfig, parseRunConfig } from '@parley/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main';

const DEMO = path.resolve(import.meta.dirname, '../../../../jobs/demo.yaml');

describe('parley config check', () => {
  let output = '';
  afterEach(() => {
    vi.restoreAllMocks();
    output = '';
  });
  const capture = () =>
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    });

  it('prints the resolved config with every default, paths absolute, and where releases go', async () => {
    capture();
    expect(await main(['node', 'parley', 'config', 'check', DEMO])).toBe(0);
    expect(output).toContain(`# releases go to ${path.resolve(path.dirname(DEMO), '../releases')}/<run id>`);
    // The YAML part is a job file again, equal to the resolved config.
    const reparsed = parseRunConfig(output);
    const original = await loadRunConfig(DEMO);
    expect(reparsed.generator).toEqual(original.generator);
    expect(reparsed.critic).toEqual(original.critic);
    expect(reparsed.seed.path).toBe(path.resolve(path.dirname(DEMO), original.seed.path));
    // Defaults the demo does not set are spelled out.
    expect(output).toMatch(/^concurrency:\n/m);
    expect(output).toMatch(/^budget:/m);
  });
});
