import type { ScenarioResult } from '../scenario';
import type { ReleaseAccount } from './release-accounting';

/** A table row being filled in by a scenario. */
export class ScenarioRow {
  readonly result: ScenarioResult;
  private readonly started = Date.now();
  private accounted = false;

  constructor(scenario: string, faults: string, pairsExpected: number) {
    this.result = {
      scenario,
      faults,
      pairsExpected,
      pairsAccounted: 0,
      duplicates: 0,
      lost: 0,
      durationMs: 0,
      problems: [],
      notes: [],
    };
  }

  problem(text: string): void {
    this.result.problems.push(text);
  }

  note(text: string): void {
    this.result.notes.push(text);
  }

  /** Adds one run's accounting (a scenario with several runs adds each). */
  addAccount(account: ReleaseAccount, label = ''): void {
    this.addPairs(account.pairsExpected, account.pairsAccounted);
    this.result.duplicates += account.duplicates;
    this.result.lost += account.lost;
    for (const problem of account.problems) this.problem(label ? `${label}: ${problem}` : problem);
  }

  /** Adds pairs a run was expected to account for, and those it did (without a release). */
  addPairs(expected: number, accounted: number): void {
    if (!this.accounted) this.result.pairsExpected = 0;
    this.accounted = true;
    this.result.pairsExpected += expected;
    this.result.pairsAccounted += accounted;
  }

  finish(): ScenarioResult {
    this.result.durationMs = Date.now() - this.started;
    // Pairs a scenario expected but never got to account for (it failed first) count as lost.
    this.result.lost = Math.max(this.result.lost, this.result.pairsExpected - this.result.pairsAccounted);
    return this.result;
  }
}

/**
 * Runs a scenario body that fills in a row; whatever it throws becomes a problem of the row
 * (with `diagnostics()`, e.g. the processes' last log lines), and `cleanup` always runs.
 */
export async function runScenario(
  row: ScenarioRow,
  body: (row: ScenarioRow) => Promise<void>,
  options: {
    cleanup?: () => Promise<void>;
    diagnostics?: () => string;
    /** Called with the diagnostics once the body is done, passed or not. */
    saveLogs?: (text: string) => Promise<void>;
  } = {},
): Promise<ScenarioResult> {
  try {
    await body(row);
  } catch (error) {
    const diagnostics = options.diagnostics?.() ?? '';
    row.problem(
      `${(error as Error).stack ?? String(error)}${diagnostics ? `\n${diagnostics.slice(-6000)}` : ''}`,
    );
  } finally {
    if (options.diagnostics && options.saveLogs)
      await options.saveLogs(options.diagnostics()).catch(() => undefined);
    await options.cleanup?.().catch((error: Error) => row.problem(`cleanup failed: ${error.message}`));
  }
  return row.finish();
}
