import type { Command } from 'commander';
import { ESTIMATE_DEFAULTS, estimateJob } from '../estimate/estimate-job';
import { formatEstimate } from '../estimate/format-estimate';
import { parseFraction, parsePositiveInteger } from '../options/number-options';

export interface EstimateCommandOptions {
  json?: boolean;
  llmPassRate?: number;
  verdictWords?: number;
}

/** Prints the estimate of a job (text or JSON); shared by `parley estimate` and `parley run --dry-run`. */
export async function printEstimate(job: string, options: EstimateCommandOptions): Promise<void> {
  const estimate = await estimateJob(job, {
    ...(options.llmPassRate === undefined ? {} : { llmFilterPassRate: options.llmPassRate }),
    ...(options.verdictWords === undefined ? {} : { verdictWords: options.verdictWords }),
  });
  process.stdout.write(
    options.json ? `${JSON.stringify(estimate, null, 2)}\n` : `${formatEstimate(estimate)}\n`,
  );
}

/** `parley estimate JOB`: calls, tokens and dollars per stage and model, before anything runs. */
export function registerEstimateCommand(program: Command): void {
  program
    .command('estimate')
    .argument('<job>', 'job file (YAML or JSON)')
    .description(
      'Estimate calls, tokens and dollars of a job per stage and model; enqueues and calls nothing',
    )
    .option('--json', 'print the estimate as JSON')
    .option(
      '--llm-pass-rate <fraction>',
      `pass rate assumed for each Critic filter that calls a model (default ${ESTIMATE_DEFAULTS.llmFilterPassRate})`,
      parseFraction,
    )
    .option(
      '--verdict-words <n>',
      `words of reasoning assumed in a verdict answer (default ${ESTIMATE_DEFAULTS.verdictWords})`,
      parsePositiveInteger,
    )
    .action((job: string, options: EstimateCommandOptions) => printEstimate(job, options));
}
