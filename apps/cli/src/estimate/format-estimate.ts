import { fittedTable } from '../output/fitted-table';
import { formatCount, formatDollars } from '../output/terminal-units';
import type { CostEstimate, CostFigures } from './estimate-report';

/** `parley estimate`'s text: per stage and model, the total, then every assumption; 100 columns. */
export function formatEstimate(estimate: CostEstimate): string {
  const row = (name: string, model: string, figures: CostFigures) => [
    name,
    model,
    formatCount(Math.round(figures.calls)),
    formatCount(figures.inputTokens),
    formatCount(figures.outputTokens),
    figures.costUsd === null ? 'no price' : formatDollars(figures.costUsd),
  ];
  const head = ['stage', 'model', 'calls', 'input tokens', 'output tokens', 'dollars'];
  const stages = fittedTable(head, [
    ...estimate.stages.map((stage) => row(stage.stage, stage.model, stage)),
    row('total', '', estimate.total),
  ]);
  const models = fittedTable(
    ['model', 'calls', 'input tokens', 'output tokens', 'dollars'],
    estimate.models.map((model) => row(model.model, '', model).filter((_, index) => index !== 1)),
  );
  const { assumptions: a } = estimate;
  const percent = (value: number) => `${(100 * value).toFixed(1)} %`;
  const filters = a.filters
    .map(
      (filter) =>
        `${filter.expert} ${percent(filter.passRate)}${filter.source === 'assumed' ? ' (assumed)' : ''}`,
    )
    .join(', ');
  const total =
    estimate.total.costUsd === null
      ? 'no model has a price'
      : `about ${formatDollars(estimate.total.costUsd)}`;
  return [
    `${estimate.job}: ${estimate.iterations} iterations × ${formatCount(estimate.pairsPerIteration)} pairs × ${estimate.candidatesPerPair} candidates, critic ${estimate.criticMode}: ${total}, ${formatCount(estimate.total.tokens)} tokens`,
    `seed: ${estimate.seed.conversations} conversations, ${formatCount(estimate.seed.meanConversationTokens)} tokens per conversation, ${estimate.seed.meanProfileTokens} per profile (${estimate.seed.path})`,
    stages,
    models,
    'assumptions (nothing was enqueued and no provider called):',
    `- filter pass rates, in cascade order (offline ones measured on the seed): ${filters}`,
    `- so ${percent(a.candidatePassRate)} of candidates reach the vote, ${a.finalistsPerPair.toFixed(2)} finalists per pair, ${percent(a.pairAcceptance)} of pairs accept a conversation`,
    `- ${a.candidateLength}`,
    `- a verdict gives ${a.verdictReasoningWords} words of reasoning; ${a.retries}`,
    `- prompt cache: ${a.promptCache}`,
    `- ${a.laterIterations}`,
    ...(a.personas ? [`- ${a.personas}`] : []),
    ...(estimate.unpriced.length > 0
      ? [`- no price for ${estimate.unpriced.join(', ')}: their tokens are counted, not their dollars`]
      : []),
  ].join('\n');
}
