import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type AcceptedConversation,
  ConfigError,
  type Conversation,
  createRedisConnection,
  type ExpertVerdict,
  InputError,
  keyPrefix,
  loadRunConfig,
  mapWithConcurrency,
  type RejectedCandidate,
  type RunConfig,
} from '@parley/core';
import { pathExists, readSeed } from '@parley/dataset';
import { checkModels, probeProviders, readUsage, type UsageReport } from '@parley/llm';
import {
  collect,
  deriveRelease,
  publicModels,
  type ReleaseManifest,
  type ReleaseVerification,
  readReleaseConversations,
  readReleaseManifest,
  readReleaseRejections,
  resolveJobPaths,
  type UsageSummary,
  verifyRelease,
} from '@parley/scheduler';
import { type RunningSimulator, startSimulator } from '@parley/simulator';
import type { Redis } from 'ioredis';
import { findOrSpawnRedis } from '../embedded/embedded-redis';
import { needsInProcessSimulator } from '../embedded/run-embedded';
import { createCriticServices, criticBindings } from './critic-services';
import { generationFacts, reconstructGeneration } from './generation-info';
import { recritiquePair } from './recritique-pair';
import { groupStoredPairs, type StoredPair } from './stored-candidates';

export interface CritiqueReleaseOptions {
  /** A complete release folder. */
  source: string;
  /** The job file whose `critic:` block and `models:` judge again. */
  jobFile: string;
  /** @defaultValue `<source>-critique-<n>` next to the source, the first n free */
  target?: string;
  environment?: NodeJS.ProcessEnv;
  /** Called after each pair, for progress. */
  onPair?: (done: number, total: number) => void;
}

/** Verdict counts of one filter expert (answers that could not be read counted apart). */
export interface ExpertPassCounts {
  passed: number;
  total: number;
  unparseable: number;
}

export interface CritiqueReleaseResult {
  target: string;
  manifest: ReleaseManifest;
  verification: ReleaseVerification;
  pairs: number;
  candidates: number;
  acceptedBefore: number;
  acceptedAfter: number;
  experts: Record<string, ExpertPassCounts>;
  /** The critique's own model calls, by model and stage. */
  usage: UsageReport;
  /** Formerly rejected winners whose few-shot ids could not be told (their example pool was not found). */
  withoutFewShotIds: number;
}

/** Stage names of the critique's calls in the new release's usage, apart from the run's own. */
export const RECRITIQUE_STAGE_PREFIX = 'recritique/';

/**
 * `parley critique`: the Critic of a new job over every candidate a release stored, pair by pair
 * as a run's critique and select steps take them, into a new release that names its source.
 * Nothing is generated. Every check that can fail (the job, the source, the target, the Critic's
 * keys and providers) runs before the first model call; the calls go through the job's models
 * with their limits and budget, accounted in a Redis namespace of their own, deleted afterwards.
 */
export async function critiqueRelease(options: CritiqueReleaseOptions): Promise<CritiqueReleaseResult> {
  const environment = options.environment ?? process.env;
  const source = path.resolve(options.source);
  const config = resolveJobPaths(await loadRunConfig(options.jobFile), options.jobFile);
  const baseDirectory = path.dirname(path.resolve(options.jobFile));
  const sourceManifest = await readReleaseManifest(source);
  const sourceCheck = await verifyRelease(source);
  if (!sourceCheck.ok)
    throw new InputError(source, `does not verify, so it cannot be critiqued: ${sourceCheck.problems[0]}`);
  const target = path.resolve(options.target ?? (await nextFreeFolder(`${source}-critique`)));
  if (target === source)
    throw new InputError(target, 'the new release must go to another folder than its source');
  await assertFree(target);
  const released = releasedConfig(sourceManifest.config, config, options.jobFile);
  await preflightCritic(config, environment, baseDirectory, options.jobFile);

  const accepted = await collect(readReleaseConversations(source));
  const rejected = await collect(readReleaseRejections(source));
  const pairs = groupStoredPairs(accepted, rejected);
  const seed = await readSeedConversations(config);
  const facts = generationFacts(sourceManifest, accepted, rejected, seed);
  const groundingPool = facts.pools.get(1) ?? seed.filter((conversation) => conversation.turns.length > 0);

  const redisHandle = await findOrSpawnRedis(environment);
  const cleanups: Array<() => Promise<void>> = [() => redisHandle.close()];
  const namespace = `${environment.PARLEY_NAMESPACE ?? 'parley'}-critique-${randomBytes(4).toString('hex')}`;
  const prefix = keyPrefix(namespace);
  try {
    let simulator: RunningSimulator | undefined;
    if (needsInProcessSimulator(config, environment)) {
      simulator = await startSimulator({
        ...config.simulator,
        textSource: config.simulator.textSource ?? config.seed.path,
      });
      cleanups.unshift(() => simulator!.close());
    }
    const redis = createRedisConnection({ url: redisHandle.url });
    cleanups.unshift(async () => {
      await deleteKeys(redis, prefix);
      await redis.quit().catch(() => redis.disconnect());
    });
    const runId = `critique-${Date.now().toString(36)}`;
    const { panel } = await createCriticServices({
      config,
      redis,
      prefix,
      runId,
      environment,
      baseDirectory,
      groundingPool,
      ...(simulator || environment.PARLEY_SIMULATOR_URL
        ? { simulatorUrl: simulator?.url ?? environment.PARLEY_SIMULATOR_URL }
        : {}),
    });

    const newAccepted: AcceptedConversation[] = [];
    const newRejected: RejectedCandidate[] = [];
    const verdicts: ExpertVerdict[] = [];
    let withoutFewShotIds = 0;
    let done = 0;
    const scope = {
      runId,
      generationOf: (pair: StoredPair, candidate: StoredPair['candidates'][number]) => {
        const rebuilt = reconstructGeneration(
          candidate.conversation,
          pair.iteration,
          candidate.candidate,
          candidate.generationUsage,
          facts,
        );
        if (!rebuilt.complete) withoutFewShotIds++;
        return rebuilt.generation;
      },
    };
    // Iteration by iteration, as the run went: the near-duplicate index sees earlier iterations'
    // winners before later candidates, whatever the concurrency within an iteration.
    for (const iteration of [...new Set(pairs.map((pair) => pair.iteration))].sort((a, b) => a - b)) {
      const ofIteration = pairs.filter((pair) => pair.iteration === iteration);
      const outcomes = await mapWithConcurrency(ofIteration, config.concurrency.critique, async (pair) => {
        const outcome = await recritiquePair(pair, panel, scope);
        options.onPair?.(++done, pairs.length);
        return outcome;
      });
      for (const outcome of outcomes) {
        if (outcome.accepted) newAccepted.push(outcome.accepted);
        newRejected.push(...outcome.rejected);
        verdicts.push(...outcome.verdicts);
      }
    }
    const usage = await readUsage(redis, prefix, runId);
    const { manifest, verification } = await deriveRelease({
      source,
      target,
      operation: 'critique',
      description: describeCritique(config, options.jobFile),
      accepted: newAccepted,
      rejected: newRejected,
      usage: withCritiqueUsage(sourceManifest.usage, usage),
      config: released.config,
      models: released.models,
    });
    return {
      target,
      manifest,
      verification,
      pairs: pairs.length,
      candidates: pairs.reduce((sum, pair) => sum + pair.candidates.length, 0),
      acceptedBefore: accepted.length,
      acceptedAfter: newAccepted.length,
      experts: passCounts(verdicts),
      usage,
      withoutFewShotIds,
    };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

/** The job's Critic in words, for the new release's card and manifest. */
export function describeCritique(config: RunConfig, jobFile: string): string {
  const critic = config.critic;
  return (
    `re-critiqued by the Critic of ${path.basename(jobFile)}: ${critic.mode} vote` +
    ` (model ${critic.model}), filters ${critic.filters.join(', ') || 'none'}`
  );
}

/**
 * The config the new release publishes: the source's (its seed, generator, splits stay what
 * made and split the data) with the new `critic:` block and the bindings it calls. A binding
 * name the source used for another model would make the release misdescribe its generator.
 */
function releasedConfig(
  sourceConfig: RunConfig,
  config: RunConfig,
  jobFile: string,
): { config: RunConfig; models: ReturnType<typeof publicModels> } {
  const problems = criticBindings(config)
    .filter((name) => {
      const before = sourceConfig.models[name];
      const now = config.models[name]!;
      return before !== undefined && (before.provider !== now.provider || before.model !== now.model);
    })
    .map((name) => ({
      path: `models.${name}`,
      message:
        `the source release's ${name} is ${sourceConfig.models[name]!.provider}:${sourceConfig.models[name]!.model};` +
        ' give the Critic binding a name of its own',
    }));
  if (problems.length > 0) throw new ConfigError(problems, jobFile);
  const models = { ...sourceConfig.models };
  for (const name of criticBindings(config)) models[name] = config.models[name]!;
  const merged: RunConfig = { ...sourceConfig, critic: config.critic, models };
  return { config: merged, models: publicModels(merged) };
}

/**
 * The preflight of a run, for the models the Critic calls only: every key and base URL, then
 * one minimal request per binding, so a wrong key stops the command before any candidate is judged.
 */
async function preflightCritic(
  config: RunConfig,
  environment: NodeJS.ProcessEnv,
  baseDirectory: string,
  jobFile: string,
): Promise<void> {
  const used = new Set(criticBindings(config));
  const scoped: RunConfig = {
    ...config,
    models: Object.fromEntries(Object.entries(config.models).filter(([name]) => used.has(name))),
  };
  const problems = checkModels(scoped, environment, { baseDirectory });
  if (problems.length > 0) throw new ConfigError(problems, jobFile);
  const unreachable = await probeProviders(scoped, environment, { baseDirectory });
  if (unreachable.length > 0) throw new ConfigError(unreachable, jobFile);
}

async function readSeedConversations(config: RunConfig): Promise<Conversation[]> {
  const { records } = await readSeed(config.seed.path, {
    format: config.seed.format,
    mode: config.seed.mode,
    limit: config.seed.limit,
  }).collect();
  return records.map((record) => record.conversation);
}

/** The source's usage (generation and its Critic, paid by the run) plus this critique's calls. */
function withCritiqueUsage(sourceUsage: UsageSummary, report: UsageReport): UsageSummary {
  const totals = (entry: UsageReport['total']) => ({
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    calls: entry.calls + entry.cachedCalls,
    costUsd: entry.costUsd,
    cachedCalls: entry.cachedCalls,
  });
  const add = (a: UsageSummary['total'] | undefined, b: UsageSummary['total']) => ({
    inputTokens: (a?.inputTokens ?? 0) + b.inputTokens,
    outputTokens: (a?.outputTokens ?? 0) + b.outputTokens,
    calls: (a?.calls ?? 0) + b.calls,
    costUsd: (a?.costUsd ?? 0) + b.costUsd,
    cachedCalls: (a?.cachedCalls ?? 0) + b.cachedCalls,
  });
  const byModel = { ...sourceUsage.byModel };
  for (const [model, entry] of Object.entries(report.byModel))
    byModel[model] = add(byModel[model], totals(entry));
  const byStage = { ...sourceUsage.byStage };
  for (const [stage, entry] of Object.entries(report.byStage))
    byStage[`${RECRITIQUE_STAGE_PREFIX}${stage}`] = totals(entry);
  return { total: add(sourceUsage.total, totals(report.total)), byModel, byStage };
}

/** Filter verdict counts per expert, unreadable answers apart (as a run's counters keep them). */
function passCounts(verdicts: readonly ExpertVerdict[]): Record<string, ExpertPassCounts> {
  const counts: Record<string, ExpertPassCounts> = {};
  for (const verdict of verdicts) {
    if (verdict.passed === undefined) continue;
    const expert = counts[verdict.expert] ?? { passed: 0, total: 0, unparseable: 0 };
    counts[verdict.expert] = expert;
    if (verdict.unparseable === true || verdict.rawOutput !== undefined) {
      expert.unparseable += 1;
      continue;
    }
    expert.total += 1;
    if (verdict.passed) expert.passed += 1;
  }
  return counts;
}

async function nextFreeFolder(stem: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = `${stem}-${n}`;
    if (!(await pathExists(candidate))) return candidate;
  }
}

async function assertFree(folder: string): Promise<void> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new InputError(folder, `cannot be read (${error.message})`);
  });
  if (entries.length > 0)
    throw new InputError(folder, 'already exists and is not empty: choose a new folder');
}

/** Deletes every key of the critique's own namespace. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
