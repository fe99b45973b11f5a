import type { DirectFilterExpert } from './expert';
import { createGroundingExpert } from './grounding-expert';
import { createNearDuplicateExpert, type NearDuplicateExpertOptions } from './near-duplicate-expert';
import { createRepetitionExpert, type RepetitionExpertOptions } from './repetition-expert';
import { createStructureExpert, type StructureExpertOptions } from './structure-expert';
import { createToxicityWordlistExpert, type ToxicityWordlistExpertOptions } from './toxicity-wordlist-expert';

/** The experts that need no model, by the names `parley critic score --experts` takes. */
export const OFFLINE_EXPERT_NAMES = [
  'structure',
  'grounding',
  'repetition',
  'near-duplicate',
  'toxicity-wordlist',
] as const;
export type OfflineExpertName = (typeof OFFLINE_EXPERT_NAMES)[number];

export interface OfflineExpertsOptions {
  structure?: StructureExpertOptions;
  /** @defaultValue 0.1 */
  minGrounding?: number;
  repetition?: RepetitionExpertOptions;
  nearDuplicate?: NearDuplicateExpertOptions;
  wordlist?: ToxicityWordlistExpertOptions;
}

/** Builds the named offline experts, in the order given. */
export function createOfflineExperts(
  names: readonly OfflineExpertName[],
  options: OfflineExpertsOptions = {},
): Array<{ name: OfflineExpertName; expert: DirectFilterExpert }> {
  return names.map((name) => ({ name, expert: createOfflineExpert(name, options) }));
}

function createOfflineExpert(name: OfflineExpertName, options: OfflineExpertsOptions): DirectFilterExpert {
  switch (name) {
    case 'structure':
      return createStructureExpert(options.structure);
    case 'grounding':
      return createGroundingExpert(
        options.minGrounding === undefined ? {} : { minGrounding: options.minGrounding },
      );
    case 'repetition':
      return createRepetitionExpert(options.repetition);
    case 'near-duplicate':
      return createNearDuplicateExpert(options.nearDuplicate);
    case 'toxicity-wordlist':
      return createToxicityWordlistExpert(options.wordlist);
  }
}
