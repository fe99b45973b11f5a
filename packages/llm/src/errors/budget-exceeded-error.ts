import { ParleyError } from '@parley/core';

/** Which budget limit stopped the call, with the amounts that decided it. */
export interface BudgetState {
  limit: 'maxTokens' | 'maxCostUsd';
  max: number;
  /** Settled spending of the run so far. */
  spent: number;
  /** Held by calls in flight. */
  reserved: number;
  /** What the refused call could have cost. */
  requested: number;
}

/**
 * The run's budget would be passed by the next call, so the call was never started. Not
 * retryable: what was already paid for is kept, and nothing more will fit.
 */
export class BudgetExceededError extends ParleyError {
  readonly runId: string;
  readonly budget: BudgetState;

  constructor(runId: string, budget: BudgetState) {
    const unit = budget.limit === 'maxCostUsd' ? ' USD' : ' tokens';
    const show = (value: number) =>
      budget.limit === 'maxCostUsd' ? value.toFixed(6) : String(Math.round(value));
    super(
      `run ${runId}: budget.${budget.limit} of ${show(budget.max)}${unit} would be exceeded ` +
        `(spent ${show(budget.spent)}, in flight ${show(budget.reserved)}, this call up to ${show(budget.requested)}); ` +
        'no new LLM calls are started',
      { code: 'BUDGET_EXCEEDED', isRetryable: false },
    );
    this.runId = runId;
    this.budget = budget;
  }
}
