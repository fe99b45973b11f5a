import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { conversationSchema } from '@parley/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmbedded } from '../../apps/cli/src/embedded/run-embedded';
import { REPO_ROOT } from '../support/parley-processes';
import { deleteNamespace } from '../support/redis-namespace';
import { testNamespace, writeTestJob } from '../support/test-jobs';

const namespaces: string[] = [];
afterAll(async () => {
  for (const namespace of namespaces) await deleteNamespace(namespace);
});

describe('a simulated release (embedded run)', { timeout: 120_000 }, () => {
  it('contains no line of the seed: the simulator writes from its built-in corpus, not the seed', async () => {
    const seedFile = path.join(REPO_ROOT, 'seeds/parley-seed.jsonl');
    const seedLines = new Set(
      (await readFile(seedFile, 'utf8'))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .flatMap((line) => conversationSchema.parse(JSON.parse(line)).turns.map((turn) => turn.text.trim())),
    );
    expect(seedLines.size).toBeGreaterThan(100);

    const namespace = testNamespace('contamination');
    namespaces.push(namespace);
    const environment: NodeJS.ProcessEnv = { ...process.env, PARLEY_NAMESPACE: namespace };
    delete environment.PARLEY_SIMULATOR_URL;
    const { jobFile } = await writeTestJob({ iterations: 2, pairs: 10, seedPath: seedFile });
    const result = await runEmbedded({ jobFile, progress: false, environment });
    expect(result.run.status).toBe('completed');

    const released = (await readFile(path.join(result.run.runFolder, 'conversations.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { turns: Array<{ text: string }> });
    expect(released.length).toBeGreaterThan(0);
    const turns = released.flatMap((conversation) => conversation.turns.map((turn) => turn.text.trim()));
    expect(turns.length).toBeGreaterThan(100);
    // Not one released turn is a seed line verbatim, and no seed line of any length is inside one.
    expect(turns.filter((text) => seedLines.has(text))).toEqual([]);
    const longSeedLines = [...seedLines].filter((line) => line.length >= 40);
    expect(turns.filter((text) => longSeedLines.some((line) => text.includes(line)))).toEqual([]);
  });
});
