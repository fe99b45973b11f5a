/** What every chaos scenario is given. */
export interface ScenarioContext {
  /** A simulator with no injected faults (scenarios that need faults start their own). */
  simulatorUrl: string;
  /** `quick`: the short form inside `npm test`; `full`: `npm run chaos`. */
  scale: 'full' | 'quick';
  /** A progress line on standard error. */
  log: (line: string) => void;
  /** Keeps a scenario's process logs (`npm run chaos -- --logs DIR`); a no-op otherwise. */
  saveLogs: (name: string, text: string) => Promise<void>;
}

/** One row of the chaos table, plus what explains it. */
export interface ScenarioResult {
  scenario: string;
  /** What was done to the system, in a few words. */
  faults: string;
  pairsExpected: number;
  pairsAccounted: number;
  duplicates: number;
  lost: number;
  durationMs: number;
  /** Every broken guarantee; the row fails unless this is empty (and lost = duplicates = 0). */
  problems: string[];
  /** What was measured besides the counts (redeliveries absorbed, failed pairs and why...). */
  notes: string[];
}

export interface Scenario {
  /** Short id used by `--only`. */
  id: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

export function passed(result: ScenarioResult): boolean {
  return result.problems.length === 0 && result.lost === 0 && result.duplicates === 0;
}
