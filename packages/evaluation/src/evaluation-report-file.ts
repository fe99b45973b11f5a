import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@parley/core';
import { writeFileAtomic } from '@parley/dataset';
import { type EvaluationReport, evaluationReportSchema, overallOf } from './evaluation-report';

/** The file `parley eval` writes in a run folder. */
export const EVALUATION_FILE = 'eval.json';

/** Writes `<folder>/eval.json` atomically (a reader sees the old report or the new one). */
export async function writeEvaluationReport(folder: string, report: EvaluationReport): Promise<string> {
  const file = path.join(folder, EVALUATION_FILE);
  await writeFileAtomic(file, `${JSON.stringify(evaluationReportSchema.parse(report), null, 2)}\n`);
  return file;
}

/** Reads and validates `<folder>/eval.json`; undefined when there is none. */
export async function readEvaluationReport(folder: string): Promise<EvaluationReport | undefined> {
  const file = path.join(folder, EVALUATION_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(file, `cannot read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(file, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = evaluationReportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(
      file,
      `not an evaluation report: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/**
 * A report updated with newer iterations (an evaluation after each iteration of a run): the
 * iterations of `update` replace those of `previous` with the same number, the others stay, and
 * `overall` is recomputed from the counts. Metadata comes from `update`; usage and time add up.
 */
export function mergeEvaluationReports(
  previous: EvaluationReport,
  update: EvaluationReport,
): EvaluationReport {
  const replaced = new Set(update.iterations.map((iteration) => iteration.iteration));
  const iterations = [
    ...previous.iterations.filter((iteration) => !replaced.has(iteration.iteration)),
    ...update.iterations,
  ].sort((a, b) => a.iteration - b.iteration);
  const costs = [previous.usage.costUsd, update.usage.costUsd].filter(
    (cost): cost is number => cost !== undefined,
  );
  return evaluationReportSchema.parse({
    ...update,
    durationMs: previous.durationMs + update.durationMs,
    usage: {
      calls: previous.usage.calls + update.usage.calls,
      inputTokens: previous.usage.inputTokens + update.usage.inputTokens,
      outputTokens: previous.usage.outputTokens + update.usage.outputTokens,
      ...(costs.length > 0 ? { costUsd: costs.reduce((total, cost) => total + cost, 0) } : {}),
    },
    iterations,
    overall: overallOf(iterations),
  });
}

/** Merges `report` into the folder's eval.json (or starts it) and writes it back atomically. */
export async function updateEvaluationReport(
  folder: string,
  report: EvaluationReport,
): Promise<EvaluationReport> {
  const previous = await readEvaluationReport(folder);
  const merged = previous ? mergeEvaluationReports(previous, report) : report;
  await writeEvaluationReport(folder, merged);
  return merged;
}
