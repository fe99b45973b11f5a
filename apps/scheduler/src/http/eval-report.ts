import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** `eval.json` in a run folder, written by `parley eval`; only the fields the dashboard shows are checked. */
const evalReportSchema = z.looseObject({
  iterations: z.array(
    z.looseObject({
      iteration: z.number().int().positive(),
      /** Share of Turing-test comparisons the generated conversation lost, in [0, 1]. */
      losingRate: z.number().min(0).max(1).nullable().optional(),
    }),
  ),
});

/** What the dashboard shows of an evaluation: the losing rate per iteration, or why it cannot. */
export interface EvalSummary {
  file: string;
  /** Iteration → losing rate in [0, 1]. */
  losingRates: Record<number, number>;
  /** Set when eval.json exists but cannot be read or has an unexpected shape. */
  problem?: string;
}

export const EVAL_REPORT_FILE = 'eval.json';

/** Reads `<runFolder>/eval.json`; undefined when evaluation has not run (no file). */
export async function readEvalReport(runFolder: string): Promise<EvalSummary | undefined> {
  const file = path.join(runFolder, EVAL_REPORT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { file, losingRates: {}, problem: `cannot read it (${(error as NodeJS.ErrnoException).code})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // Being written right now, or broken: show the problem instead of failing the page.
    return { file, losingRates: {}, problem: `not valid JSON (${(error as Error).message})` };
  }
  const parsed = evalReportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      file,
      losingRates: {},
      problem: `unexpected shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    };
  }
  const losingRates: Record<number, number> = {};
  for (const entry of parsed.data.iterations) {
    if (typeof entry.losingRate === 'number') losingRates[entry.iteration] = entry.losingRate;
  }
  return { file, losingRates };
}
