import type { ExpertVerdict } from '@parley/core';
import type { ModerationModel } from '@parley/llm';
import type { DirectFilterExpert } from './expert';
import { modelName } from './run-llm-stage';

export interface ToxicityModerationExpertOptions {
  /** The moderation endpoint (OpenAI's `omni-moderation`, or any ModerationModel). */
  model: ModerationModel;
  /**
   * Also fail when any category scores at least this, even if the endpoint did not flag the
   * turn; absent trusts the endpoint's own `flagged`. @defaultValue undefined
   */
  threshold?: number;
}

/** Toxicity through a moderation endpoint: every non-empty turn is checked; any flag fails. */
export function createToxicityModerationExpert(options: ToxicityModerationExpertOptions): DirectFilterExpert {
  const { model, threshold } = options;
  return {
    type: 'direct',
    name: 'toxicity',
    kind: 'filter',
    offline: false,
    async review(conversation, context): Promise<ExpertVerdict> {
      const lines = conversation.turns
        .map((turn, index) => ({ line: index + 1, text: turn.text }))
        .filter((turn) => turn.text.trim().length > 0);
      const results =
        lines.length === 0
          ? []
          : await model.moderate(
              lines.map((turn) => turn.text),
              { stage: 'critique:toxicity', runId: context.runId, signal: context.signal },
            );
      if (results.length !== lines.length) {
        throw new Error(`moderation returned ${results.length} results for ${lines.length} turns`);
      }
      let highest = 0;
      const flagged: string[] = [];
      results.forEach((result, index) => {
        const categories = Object.entries(result.scores).sort((a, b) => b[1] - a[1]);
        const top = categories[0]?.[1] ?? 0;
        highest = Math.max(highest, top);
        if (result.flagged || (threshold !== undefined && top >= threshold)) {
          const named = categories
            .filter(([, score]) => score >= (threshold ?? 0.5))
            .map(([category, score]) => `${category} ${score.toFixed(2)}`);
          flagged.push(`line ${lines[index]!.line}${named.length > 0 ? ` (${named.join(', ')})` : ''}`);
        }
      });
      return {
        expert: 'toxicity',
        kind: 'filter',
        passed: flagged.length === 0,
        score: highest,
        rationale:
          flagged.length === 0
            ? `moderation: nothing flagged (highest category score ${highest.toFixed(3)})`
            : `moderation flagged ${flagged.slice(0, 5).join(', ')}${flagged.length > 5 ? ` and ${flagged.length - 5} more` : ''}`,
        model: modelName(model),
      };
    },
  };
}
