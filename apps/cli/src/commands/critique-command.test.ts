import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type AcceptedConversation,
  acceptedConversationSchema,
  type Conversation,
  type RejectedCandidate,
  rejectedCandidateSchema,
} from '@parley/core';
import { createStructureExpert } from '@parley/critic';
import { readSeed } from '@parley/dataset';
import { readReleaseManifest, verifyRelease } from '@parley/scheduler';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../../../test/support/captured-output';
import { deleteNamespace, namespaceKeys } from '../../../../test/support/redis-namespace';
import { embeddedRunEnvironment } from '../../../../test/support/run-environment';
import { RECRITIQUE_STAGE_PREFIX } from '../critique/critique-release';
import { generationFacts, reconstructGeneration } from '../critique/generation-info';
import { runEmbedded } from '../embedded/run-embedded';
import { main } from '../main';

// A real release from a short embedded run (real Redis in a namespace of its own, the
// in-process simulator), judged again by a stricter Critic through `parley critique`.

const SEED = path.resolve(import.meta.dirname, '../../../../seeds/parley-seed.jsonl');
const NAMESPACE = `test-cli-critique-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const saved = { ...process.env };
let folder: string;
let release: string;
let runId: string;
let simulator: RunningSimulator;
let output: CapturedOutput;

const parley = (...args: string[]) => main(['node', 'parley', ...args]);

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'parley-critique-cli-'));
  const jobFile = path.join(folder, 'source.yaml');
  await writeFile(
    jobFile,
    `name: critique-source
seed: { path: ${SEED} }
output: { dir: ${path.join(folder, 'releases')} }
iterations: 2
pairs: 5
candidatesPerPair: 3
randomSeed: 5
models:
  sim: { provider: simulator, model: parley-sim-1 }
generator: { model: sim }
critic: { model: sim, policies: [depth, coherency] }
examplePool: { size: 8 }
simulator: { seed: 5 }
`,
  );
  const environment = embeddedRunEnvironment(NAMESPACE, { set: { PARLEY_LOG_LEVEL: 'error' } });
  const result = await runEmbedded({ jobFile, progress: false, environment });
  expect(result.run.status).toBe('completed');
  release = result.run.runFolder;
  runId = result.run.id;
  // The critique's own simulator, so the test can count every model call it receives.
  simulator = await startSimulator({ seed: 5, textSource: SEED });
}, 120_000);

afterAll(async () => {
  process.env = { ...saved };
  await simulator?.close();
  await deleteNamespace(NAMESPACE);
  await rm(folder, { recursive: true, force: true });
});

beforeEach(() => {
  process.env = embeddedRunEnvironment(NAMESPACE);
  output = captureOutput();
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
  process.exitCode = undefined;
});

async function readJsonl<T>(file: string, parse: (value: unknown) => T): Promise<T[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => parse(JSON.parse(line)));
}

async function readRelease(
  folder: string,
): Promise<{ accepted: AcceptedConversation[]; rejected: RejectedCandidate[] }> {
  return {
    accepted: await readJsonl(path.join(folder, 'conversations.jsonl'), (v) =>
      acceptedConversationSchema.parse(v),
    ),
    rejected: await readJsonl(path.join(folder, 'rejected.jsonl'), (v) => rejectedCandidateSchema.parse(v)),
  };
}

/** Turns of the speaker with fewer of them. */
function fewestTurns(conversation: Conversation): number {
  const user1 = conversation.turns.filter((turn) => turn.speaker === 'user1').length;
  return Math.min(user1, conversation.turns.length - user1);
}

/** A job whose Critic calls the test's simulator. */
async function writeCritiqueJob(name: string, generator: string, critic: string): Promise<string> {
  const file = path.join(folder, `${name}.yaml`);
  await writeFile(
    file,
    `name: ${name}
seed: { path: ${SEED} }
output: { dir: ${path.join(folder, 'unused')} }
models:
  sim: { provider: simulator, model: parley-sim-1, baseURL: ${simulator.openaiBaseURL}, price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } }
generator: ${generator}
critic: ${critic}
`,
  );
  return file;
}

const key = (line: { iteration: number; pair: string }) => `${line.iteration}/${line.pair}`;

describe('parley critique', { timeout: 120_000 }, () => {
  it('judges every stored candidate again with a stricter Critic, without generating, into a release that verifies', async () => {
    const source = await readRelease(release);
    expect(source.accepted.length).toBeGreaterThan(2);
    // Stricter structure: the speaker with fewer turns needs as many as half the accepted ones have.
    const fewest = source.accepted.map(fewestTurns).sort((a, b) => a - b);
    const minTurns = fewest[Math.floor(fewest.length / 2)]!;
    expect(fewest[0]!, 'the source must hold conversations the stricter bound drops').toBeLessThan(minTurns);
    const filters = ['structure', 'repetition', 'faithfulness'];
    const jobFile = await writeCritiqueJob(
      'stricter',
      `{ model: sim, minTurnsPerSpeaker: ${minTurns}, maxTurnsPerSpeaker: 60 }`,
      `{ model: sim, filters: [${filters.join(', ')}], policies: [depth, coherency], offline: { minDistinct2: 0.55 } }`,
    );
    const target = path.join(folder, 'stricter');
    simulator.resetStats();

    expect(await parley('critique', release, '--job', jobFile, '--out', target)).toBe(0);
    expect(output.stderr).toBe('');
    const newRelease = await readRelease(target);
    expect(output.stdout).toContain(`${target}: critique of ${release} by stricter.yaml (verified)`);
    expect(output.stdout).toContain(`accepted ${source.accepted.length} → ${newRelease.accepted.length}`);
    expect(output.stdout).toMatch(/filters passed: structure \d+\/\d+ \(\d+ %\)/);

    // The new release verifies, names its source, and publishes the Critic that made it.
    expect(await verifyRelease(target)).toEqual({ ok: true, problems: [] });
    const manifest = await readReleaseManifest(target);
    const sourceSha = createHash('sha256')
      .update(await readFile(path.join(release, 'manifest.json')))
      .digest('hex');
    expect(manifest.derivedFrom).toMatchObject({
      operation: 'critique',
      release: path.basename(release),
      manifestSha256: sourceSha,
    });
    expect(manifest.derivedFrom?.description).toContain('stricter.yaml');
    expect(manifest.config.critic.filters).toEqual(filters);
    expect(manifest.runId).toBe(runId);

    // Only the Critic called a model: every call the simulator answered is a critique or vote
    // call in the new release's usage, none is a generation.
    const critiqueStages = Object.entries(manifest.usage.byStage).filter(([stage]) =>
      stage.startsWith(RECRITIQUE_STAGE_PREFIX),
    );
    expect(critiqueStages.length).toBeGreaterThan(0);
    for (const [stage] of critiqueStages)
      expect(stage.slice(RECRITIQUE_STAGE_PREFIX.length)).toMatch(/^(critique|select):/);
    const critiqueCalls = critiqueStages.reduce((sum, [, totals]) => sum + totals.calls, 0);
    expect(simulator.stats().requests.byRoute['POST /v1/chat/completions']).toBe(critiqueCalls);
    const sourceManifest = await readReleaseManifest(release);
    expect(manifest.usage.byStage.generate).toEqual(sourceManifest.usage.byStage.generate);
    expect(manifest.usage.total.calls).toBe(sourceManifest.usage.total.calls + critiqueCalls);

    // Every accepted conversation passed the new filters, by the panel's verdicts and by an
    // independent structure check with the stricter bounds.
    const structure = createStructureExpert({ minTurnsPerSpeaker: minTurns, maxTurnsPerSpeaker: 60 });
    expect(newRelease.accepted.length).toBeGreaterThan(0);
    for (const conversation of newRelease.accepted) {
      expect((await structure.review(conversation, {})).passed, conversation.id).toBe(true);
      for (const expert of filters)
        expect(conversation.verdicts.find((verdict) => verdict.expert === expert)?.passed, expert).toBe(true);
    }
    const droppedByStructure = newRelease.rejected.filter(
      (line) => line.outcome === 'filtered' && line.expert === 'structure',
    );
    // The stricter bound drops conversations the old Critic had accepted (their pairs may still
    // be accepted, with another candidate).
    const acceptedBefore = new Set(source.accepted.map((line) => `${key(line)}#${line.candidate}`));
    expect(
      droppedByStructure.filter((line) => acceptedBefore.has(`${key(line)}#${line.candidate}`)).length,
    ).toBeGreaterThan(0);
    expect(droppedByStructure.every((line) => fewestTurns(line.conversation!) < minTurns)).toBe(true);

    // Pair accounting: every pair once, every candidate once, at most one winner per pair.
    const sourcePairs = new Set([...source.accepted, ...source.rejected].map(key));
    const newPairs = new Set([...newRelease.accepted, ...newRelease.rejected].map(key));
    expect(newPairs).toEqual(sourcePairs);
    expect(new Set(newRelease.accepted.map(key)).size).toBe(newRelease.accepted.length);
    const candidates = (lines: Array<{ iteration: number; pair: string; candidate: number | null }>) =>
      lines.map((line) => `${key(line)}#${line.candidate}`).sort();
    expect(candidates([...newRelease.accepted, ...newRelease.rejected])).toEqual(
      candidates([...source.accepted, ...source.rejected]),
    );
    const totals = manifest.totals;
    expect(totals.accepted + totals.rejected + totals.failed + totals.unsettled).toBe(sourcePairs.size);
    expect(totals.pairsPlanned).toBe(sourceManifest.totals.pairsPlanned);

    // Lines keep what the Critic does not decide: ids, personas, turns, split and profiles;
    // a winner that won before keeps its generator metadata.
    const before = new Map(
      [...source.accepted, ...source.rejected.filter((line) => line.conversation)].map((line) => [
        `${key(line)}#${line.candidate}`,
        line,
      ]),
    );
    for (const conversation of newRelease.accepted) {
      const was = before.get(`${key(conversation)}#${conversation.candidate}`)!;
      const wasConversation = 'turns' in was ? was : was.conversation!;
      expect(conversation.id).toBe(wasConversation.id);
      expect(conversation.turns).toEqual(wasConversation.turns);
      expect(conversation.split).toBe(was.split);
      expect(conversation.user1Profile).toBe(was.user1Profile);
      if ('generator' in was) expect(conversation.generator).toEqual(was.generator);
      else expect(conversation.generator.fewShotIds.length).toBeGreaterThan(0);
    }
    const lostVote = newRelease.rejected.filter((line) => line.outcome === 'lost-vote');
    for (const line of lostVote) expect(line.reason).toMatch(/^lost the vote \(judge score \d\.\d\d\)$/);

    // The critique's Redis namespace is gone.
    expect(await namespaceKeys(`${NAMESPACE}-critique-*`)).toEqual([]);
  });

  it('tells the generator metadata of a stored candidate exactly as the run made it', async () => {
    const source = await readRelease(release);
    const manifest = await readReleaseManifest(release);
    const { records } = await readSeed(SEED).collect();
    const facts = generationFacts(
      manifest,
      source.accepted,
      source.rejected,
      records.map((record) => record.conversation),
    );
    expect([...facts.pools.keys()].sort()).toEqual([1, 2]);
    for (const line of source.accepted) {
      const { generation, complete } = reconstructGeneration(
        line,
        line.iteration,
        line.candidate,
        line.generator.usage,
        facts,
      );
      expect(complete).toBe(true);
      expect(generation, line.id).toEqual(line.generator);
    }
  });

  it('takes a run id, writes next to its folder by default, and repeats what it is given', async () => {
    const jobFile = await writeCritiqueJob(
      'same',
      '{ model: sim }',
      '{ model: sim, filters: [structure, repetition, grounding, roles], policies: [depth] }',
    );
    expect(await parley('critique', runId, '--job', jobFile)).toBe(0);
    const target = `${release}-critique-1`;
    expect(output.stdout).toContain(`${target}: critique of ${release}`);
    expect(await verifyRelease(target)).toEqual({ ok: true, problems: [] });
    // Its input is a release like any other: a critique of the critique verifies too.
    output.stdout = '';
    expect(await parley('critique', target, '--job', jobFile)).toBe(0);
    expect(await verifyRelease(`${target}-critique-1`)).toEqual({ ok: true, problems: [] });
    const again = await readReleaseManifest(`${target}-critique-1`);
    expect(again.derivedFrom?.release).toBe(path.basename(target));
  });

  it('stops on a Critic without its key before any call, in one line, writing nothing', async () => {
    const jobFile = path.join(folder, 'no-key.yaml');
    await writeFile(
      jobFile,
      `name: no-key
seed: { path: ${SEED} }
output: { dir: ${path.join(folder, 'unused')} }
models:
  sim: { provider: simulator, model: parley-sim-1, baseURL: ${simulator.openaiBaseURL} }
  judge: { provider: openai, model: gpt-4o-mini, apiKeyEnv: PARLEY_TEST_NO_SUCH_KEY }
generator: { model: sim }
critic: { model: judge }
`,
    );
    const target = path.join(folder, 'no-key');
    simulator.resetStats();
    expect(await parley('critique', release, '--job', jobFile, '--out', target)).toBe(2);
    expect(output.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(output.stderr).toMatch(/models\.judge\.apiKeyEnv: .*PARLEY_TEST_NO_SUCH_KEY/);
    expect(existsSync(target)).toBe(false);
    expect(simulator.stats().requests.total).toBe(0);
  });

  it('refuses a target that holds files, and a folder that is no release', async () => {
    const jobFile = await writeCritiqueJob('refused', '{ model: sim }', '{ model: sim }');
    expect(await parley('critique', release, '--job', jobFile, '--out', release)).toBe(2);
    expect(output.stderr).toMatch(/another folder than its source|not empty/);
    output.stderr = '';
    expect(await parley('critique', folder, '--job', jobFile)).toBe(2);
    expect(output.stderr).toMatch(/no manifest/);
  });
});
