import type { CriticConfig } from '../config/critic-config';

/**
 * The order the Critic runs its filters in, by the names their verdicts carry: the configured
 * `critic.filters`, once each, with the offline ones (no model, no tokens) moved to the front in
 * their configured order, as the panel does. The filters that call a model are faithfulness and
 * toxicity (unless judged by the word list); every other filter is offline.
 */
export function filterCascadeOrder(critic: Pick<CriticConfig, 'filters' | 'toxicity'>): string[] {
  const filters = [...new Set(critic.filters)];
  const callsModel = (name: string) =>
    name === 'faithfulness' || (name === 'toxicity' && critic.toxicity !== 'wordlist');
  return [...filters.filter((name) => !callsModel(name)), ...filters.filter(callsModel)];
}

/**
 * Expert names in cascade order: those the config names first, in the order they run, then any
 * other that has counts (a config that is gone, an expert renamed), alphabetically.
 */
export function orderExperts(
  names: Iterable<string>,
  critic?: Pick<CriticConfig, 'filters' | 'toxicity'>,
): string[] {
  const present = new Set(names);
  const cascade = critic ? filterCascadeOrder(critic).filter((name) => present.has(name)) : [];
  const rest = [...present].filter((name) => !cascade.includes(name)).sort();
  return [...cascade, ...rest];
}
