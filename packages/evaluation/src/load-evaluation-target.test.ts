import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AcceptedConversation } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEvaluationTarget, loadReference } from './load-evaluation-target';
import { CHEF, STUDENT, TEACHER, VIOLINIST } from './test-fixtures';

function accepted(iteration: number, index: number): AcceptedConversation {
  return {
    id: `run-1.${iteration}.pair-${index}.0`,
    user1Persona: index % 2 === 0 ? CHEF : TEACHER,
    user2Persona: index % 2 === 0 ? VIOLINIST : STUDENT,
    turns: [
      { speaker: 'user1', text: `Hello from iteration ${iteration}.` },
      { speaker: 'user2', text: 'Hi there!' },
    ],
    run: 'run-1',
    iteration,
    pair: `pair-${index}`,
    candidate: 0,
    generator: { model: 'simulator:sim', fewShotIds: [], usage: { inputTokens: 1, outputTokens: 1 } },
    verdicts: [],
    judgeScore: 0.5,
    usage: { inputTokens: 2, outputTokens: 2 },
  };
}

const SEED_JSONL = `${JSON.stringify({
  id: 's1',
  user1Persona: CHEF,
  user2Persona: VIOLINIST,
  turns: [
    { speaker: 'user1', text: 'Hi' },
    { speaker: 'user2', text: 'Hey' },
  ],
})}
${JSON.stringify({ id: 's2', user1Persona: TEACHER, user2Persona: STUDENT, turns: [{ speaker: 'user1', text: 'Yo' }] })}
`;

describe('loadEvaluationTarget', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'parley-eval-target-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function writeRelease(records: unknown[], manifest?: unknown) {
    await writeFile(
      path.join(folder, 'conversations.jsonl'),
      `${records.map((record) => JSON.stringify(record)).join('\n')}\n`,
    );
    if (manifest !== undefined) await writeFile(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
  }

  it('groups a release by iteration, applies the limit per iteration, and reads the manifest', async () => {
    await writeRelease([accepted(1, 0), accepted(1, 1), accepted(1, 2), accepted(2, 0), accepted(2, 1)], {
      runId: 'run-1',
      config: {
        name: 'demo',
        seed: { path: '/data/seed.jsonl' },
        models: { sim: { provider: 'simulator', model: 'sim-1' } },
        generator: { model: 'sim' },
        critic: { model: 'sim' },
      },
    });
    const target = await loadEvaluationTarget(folder, { limit: 2 });
    expect(target).toMatchObject({ kind: 'release', folder, run: 'run-1', manifestProblem: undefined });
    expect(target.groups.map((group) => [group.iteration, group.conversations.length])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    // Only the conversation itself is kept.
    expect(Object.keys(target.groups[0]!.conversations[0]!).sort()).toEqual([
      'id',
      'turns',
      'user1Persona',
      'user2Persona',
    ]);
    expect(target.config?.seed.path).toBe('/data/seed.jsonl');
  });

  it('names the file and line of a bad record, and keeps going without a manifest', async () => {
    const broken = { ...accepted(1, 0), iteration: 0 };
    await writeRelease([accepted(1, 1), broken]);
    await expect(loadEvaluationTarget(folder)).rejects.toThrow(
      `${path.join(folder, 'conversations.jsonl')}:2: iteration:`,
    );
    await writeRelease([accepted(1, 1)]);
    const target = await loadEvaluationTarget(folder);
    expect(target.config).toBeUndefined();
    expect(target.manifestProblem).toMatch(/manifest\.json: missing$/);
  });

  it('refuses a folder that is not a release, and a path that does not exist', async () => {
    await expect(loadEvaluationTarget(folder)).rejects.toThrow(
      'not a release folder (no conversations.jsonl)',
    );
    await expect(loadEvaluationTarget(path.join(folder, 'nope.csv'))).rejects.toThrow(
      'no such file or folder',
    );
  });

  it('reads any seed file as one iteration', async () => {
    const file = path.join(folder, 'seed.jsonl');
    await writeFile(file, SEED_JSONL);
    const target = await loadEvaluationTarget(file, { limit: 1 });
    expect(target).toMatchObject({ kind: 'seed-file', run: null, folder: undefined });
    expect(target.groups).toHaveLength(1);
    expect(target.groups[0]!.conversations.map((conversation) => conversation.id)).toEqual(['s1']);
    const reference = await loadReference(file);
    expect(reference.conversations).toHaveLength(2);
  });
});
