import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createRedisConnection, InputError, keyPrefix, RunStore } from '@parley/core';
import type { Command } from 'commander';
import { type CritiqueReleaseResult, critiqueRelease } from '../critique/critique-release';

interface CritiqueCommandOptions {
  job: string;
  out?: string;
}

/**
 * `parley critique RELEASE --job JOB`: the Critic of another job over a release's stored
 * candidates, into a new verified release; nothing is generated again. RELEASE is a release
 * folder or a run id (its folder looked up in Redis). User errors exit 2 with one line.
 */
export function registerCritiqueCommand(program: Command): void {
  program
    .command('critique')
    .argument('<release>', 'release folder or run id')
    .requiredOption('--job <job.yaml>', 'job file whose critic: block and models: judge again')
    .option('--out <folder>', 'the new release folder (default: <release>-critique-<n> next to it)')
    .description("Re-run a new job's Critic over a release's stored candidates into a new release")
    .action(async (name: string, options: CritiqueCommandOptions) => {
      const source = await resolveRelease(name);
      const interactive = process.stderr.isTTY === true;
      const result = await critiqueRelease({
        source,
        jobFile: options.job,
        ...(options.out ? { target: options.out } : {}),
        onPair: interactive
          ? (done, total) => process.stderr.write(`\rcritiquing: ${done}/${total} pairs`)
          : undefined,
      });
      if (interactive) process.stderr.write('\n');
      if (!result.verification.ok)
        throw new InputError(
          result.target,
          `written but does not verify: ${result.verification.problems[0]}`,
        );
      process.stdout.write(`${describeCritiqueResult(source, options.job, result)}\n`);
    });
}

/** The summary `parley critique` prints: pairs, accepted before and after, pass rates, cost. */
export function describeCritiqueResult(
  source: string,
  jobFile: string,
  result: CritiqueReleaseResult,
): string {
  const experts = Object.entries(result.experts).map(
    ([expert, counts]) =>
      `${expert} ${counts.passed}/${counts.total}` +
      `${counts.total > 0 ? ` (${((100 * counts.passed) / counts.total).toFixed(0)} %)` : ''}` +
      `${counts.unparseable > 0 ? `, ${counts.unparseable} unreadable` : ''}`,
  );
  const usage = result.usage.total;
  const lines = [
    `${result.target}: critique of ${source} by ${path.basename(jobFile)} (verified)`,
    `  pairs ${result.pairs}, candidates ${result.candidates}: accepted ${result.acceptedBefore} → ${result.acceptedAfter}`,
    `  filters passed: ${experts.length > 0 ? experts.join(', ') : 'no filter verdicts'}`,
    `  critique calls ${usage.calls + usage.cachedCalls}: ${usage.inputTokens} input and ${usage.outputTokens} output tokens, $${usage.costUsd.toFixed(4)}`,
  ];
  if (result.withoutFewShotIds > 0)
    lines.push(
      `  warning: ${result.withoutFewShotIds} winners that had lost before carry no few-shot ids (their example pool was not found)`,
    );
  return lines.join('\n');
}

/** A folder, or a run id whose folder Redis knows (REDIS_URL, PARLEY_NAMESPACE). */
async function resolveRelease(name: string): Promise<string> {
  if (await isFolder(name)) return path.resolve(name);
  // Run ids are letters, digits, - and _: anything else was meant as a folder.
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new InputError(name, 'no such release folder');
  const redis = createRedisConnection();
  redis.on('error', () => {});
  try {
    const run = await new RunStore(redis, keyPrefix()).getRun(name);
    if (!run) throw new InputError(name, 'is neither a release folder nor a run id in Redis');
    return run.runFolder;
  } finally {
    redis.disconnect();
  }
}

async function isFolder(name: string): Promise<boolean> {
  try {
    return (await stat(name)).isDirectory();
  } catch {
    return false;
  }
}
