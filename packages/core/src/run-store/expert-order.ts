import { type CriticConfig, MODEL_FREE_FILTERS } from '../config/critic-config';

/**
 * The order the Critic runs its filters in, by the names their verdicts carry: the configured
 * `critic.filters`, once each, with the offline ones (no model, no tokens) moved to the front in
 * their configured order, as the panel does. Offline: the model-free filters, and toxicity when
 * the word list judges it.
 */
export function filterCascadeOrder(critic: Pick<CriticConfig, 'filters' | 'toxicity'>): string[] {
  const filters = [...new Set(critic.filters)];
  const modelFree = new Set<string>(MODEL_FREE_FILTERS);
  const callsModel = (name: string) =>
    !modelFree.has(name) && !(name === 'toxicity' && critic.toxicity === 'wordlist');
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
