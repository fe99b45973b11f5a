import type { IterationView, RunView } from '@parley/scheduler';
import { projectRunCost } from './cost-projection';
import { formatDollars, formatElapsed, formatEta, formatPairRate, shorten } from './terminal-units';
import { problemCounts } from './usage-lines';

const BAR_WIDTH = 24;
/** The last warning is cut to this many characters: the line is a hint, the log file has it all. */
const WARNING_WIDTH = 80;

/** Iterations that began (running, finished, or cut short), in order. */
export function startedIterations(view: RunView): IterationView[] {
  return view.iterations.filter(
    (iteration) => iteration.state !== 'waiting' && iteration.state !== 'not-run',
  );
}

/** `iteration 1/2 [████████░░░░] 12/20 pairs · accepted 11 · rejected 1 · failed 0`. */
export function iterationBarLine(iteration: IterationView, iterations: number): string {
  const fraction = iteration.planned > 0 ? Math.min(1, iteration.done / iteration.planned) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  return `iteration ${iteration.iteration}/${iterations} [${bar}] ${iteration.done}/${iteration.planned} pairs · accepted ${iteration.accepted} · rejected ${iteration.rejected} · failed ${iteration.failed}`;
}

/** `running (iteration 2/2) · 27/40 pairs · 14.2 pairs/min · ETA 55s · $0.0123 → ~$0.0182 · elapsed 1m 54s`. */
export function paceLine(view: RunView): string {
  const { run, progress } = view;
  const where = view.terminal || !run.phase ? '' : ` (${phaseText(run)})`;
  return [
    `${run.status}${where}`,
    `${progress.pairsDone}/${progress.pairsPlanned} pairs`,
    formatPairRate(progress.pairsPerMinute),
    view.terminal ? 'done' : formatEta(progress.eta),
    `${formatDollars(view.budget.costUsd)}${view.terminal ? '' : projectionText(view)}`,
    `elapsed ${formatElapsed(progress.elapsedMs)}`,
  ].join(' · ');
}

/** ` → ~$0.2894`: the dollars the run is projected to have spent when it ends (projectRunCost). */
function projectionText(view: RunView): string {
  const projected = projectedCost(view);
  return projected === null ? '' : ` → ~${formatDollars(projected)}`;
}

/** The run's projected final cost, from its spend so far and its settled and planned pairs. */
export function projectedCost(view: RunView): number | null {
  return projectRunCost({
    spentUsd: view.budget.costUsd,
    spentByStage: view.usage.byStage,
    pairsSettled: view.progress.pairsDone,
    pairsPlanned: view.progress.pairsPlanned,
    finished: view.terminal,
  });
}

/** `iteration 2/2` in the loop; the phase's name (prepare, evaluation, release) between. */
function phaseText(run: RunView['run']): string {
  return run.phase === 'iteration' ? `iteration ${run.iteration}/${run.iterations}` : run.phase;
}

/**
 * `warnings: 12 retries, 9 × 429, 4 malformed answers, 0 failed`, from the usage ledger, or
 * undefined while there is nothing to warn about.
 */
export function warningsLine(view: RunView): string | undefined {
  const total = view.usage.total;
  if (total.retries + total.rateLimited + total.invalidOutputs + total.failedCalls === 0) return undefined;
  return `warnings: ${problemCounts(total).join(', ')}`;
}

/** `last warning: generate: structured output rejected: not valid JSON (…)`, shortened. */
export function lastWarningLine(lastWarning: string | undefined): string | undefined {
  return lastWarning ? `last warning: ${shorten(lastWarning, WARNING_WIDTH)}` : undefined;
}

/** The block a terminal shows: a bar per begun iteration, the pace, the warnings, the last one. */
export function progressBlock(view: RunView, lastWarning?: string): string[] {
  const lines = [
    ...startedIterations(view).map((iteration) => iterationBarLine(iteration, view.run.iterations)),
    paceLine(view),
    warningsLine(view),
    lastWarningLine(lastWarning),
  ];
  return lines.filter((line): line is string => line !== undefined);
}

/**
 * One line for logs that are not a terminal (CI, pipes): the run, its pace and cost, each
 * begun iteration's counts and the warning counts.
 */
export function plainProgressLine(view: RunView): string {
  const iterations = startedIterations(view).map(
    (iteration) =>
      `iteration ${iteration.iteration}: ${iteration.done}/${iteration.planned} (accepted ${iteration.accepted}, rejected ${iteration.rejected}, failed ${iteration.failed})`,
  );
  const warnings = warningsLine(view);
  return [`${view.run.id}: ${paceLine(view)}`, ...iterations, ...(warnings ? [warnings] : [])].join(' · ');
}
