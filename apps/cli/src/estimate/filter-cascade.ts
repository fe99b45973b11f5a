import type { Conversation } from '@parley/core';
import type { CriticPanel } from '@parley/critic';
import type { FilterPassRate } from './estimate-report';

/**
 * Pass rates of the panel's filters, in cascade order. The offline experts are run over the
 * seed's conversations exactly as the panel runs them (cheap ones first, stopping at the first
 * failure, conversations that pass everything remembered by the near-duplicate index): each
 * rate is the share passed of those it saw. Filters that call a model or a service cannot be
 * measured without calling it: they get `assumedRate`, said as assumed.
 */
export async function filterPassRates(
  panel: CriticPanel,
  conversations: readonly Conversation[],
  assumedRate: number,
  stageOf: (expert: string) => string | undefined,
): Promise<FilterPassRate[]> {
  const offline = panel.filters.filter((expert) => expert.type === 'direct' && expert.offline);
  const seen = new Map<string, { evaluated: number; passed: number }>(
    offline.map((expert) => [expert.name, { evaluated: 0, passed: 0 }]),
  );
  for (const conversation of conversations) {
    let passedAll = true;
    for (const expert of offline) {
      if (expert.type !== 'direct') continue;
      const verdict = await expert.review(conversation, {});
      const counts = seen.get(expert.name)!;
      counts.evaluated++;
      if (verdict.passed === false) {
        passedAll = false;
        break;
      }
      counts.passed++;
    }
    if (passedAll) await panel.accept(conversation);
  }
  return panel.filters.map((expert): FilterPassRate => {
    const counts = seen.get(expert.name);
    if (counts && counts.evaluated > 0) {
      return { expert: expert.name, passRate: counts.passed / counts.evaluated, source: 'measured' };
    }
    const stage = stageOf(expert.name);
    return { expert: expert.name, passRate: assumedRate, source: 'assumed', ...(stage ? { stage } : {}) };
  });
}
