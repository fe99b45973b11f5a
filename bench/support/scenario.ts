/** What every scenario gets from the runner. */
export interface ScenarioContext {
  /** `--quick`: smaller sizes, same scenarios. */
  quick: boolean;
  /** `--profile`: every process under `--cpu-prof`, summaries in the results. */
  profile: boolean;
  /** Scratch folder of this scenario (under bench/out). */
  folder: string;
  log(message: string): void;
  /** Results of scenarios that ran before in this invocation (the growth scenario reuses the overhead run). */
  earlier: ReadonlyMap<string, ScenarioResult>;
}

/** One line of the printed table. */
export interface TableRow {
  measure: string;
  value: string;
  /** `≥ 0.90`, `≤ 256 MB`; absent for figures without a target. */
  target?: string;
  met?: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  startedAt: string;
  durationMs: number;
  /** What was run: sizes, latency, concurrency, critic settings. */
  settings: Record<string, unknown>;
  /** Every measured number, for bench/results.json. */
  metrics: Record<string, unknown>;
  rows: TableRow[];
  notes: string[];
}

export interface Scenario {
  id: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** The part of a result every scenario fills the same way: which scenario, when, how long. */
export function scenarioTiming(
  scenario: Pick<Scenario, 'id' | 'title'>,
  startedAt: Date,
): Pick<ScenarioResult, 'id' | 'title' | 'startedAt' | 'durationMs'> {
  return {
    id: scenario.id,
    title: scenario.title,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
  };
}

/** A row with a lower bound: met when `value ≥ target`. */
export function atLeast(measure: string, value: number, target: number, format = fixed(2)): TableRow {
  return { measure, value: format(value), target: `≥ ${format(target)}`, met: value >= target };
}

/** A row with an upper bound: met when `value ≤ target`. */
export function atMost(measure: string, value: number, target: number, format = fixed(2)): TableRow {
  return { measure, value: format(value), target: `≤ ${format(target)}`, met: value <= target };
}

export function fixed(digits: number): (value: number) => string {
  return (value) => value.toFixed(digits);
}

export function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

export function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}
