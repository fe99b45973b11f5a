import { MODEL_FREE_FILTERS } from '@parley/core';
import { createContradictionExpert } from './contradiction-expert';
import { type CopyingExpertOptions, createCopyingExpert } from './copying-expert';
import type { DirectFilterExpert } from './expert';
import { createGroundingExpert } from './grounding-expert';
import { createNearDuplicateExpert, type NearDuplicateExpertOptions } from './near-duplicate-expert';
import { createRepetitionExpert, type RepetitionExpertOptions } from './repetition-expert';
import { createRolesExpert, type RolesExpertOptions } from './roles-expert';
import type { StemWeights } from './stem-weights';
import { createStructureExpert, type StructureExpertOptions } from './structure-expert';
import { createToxicityWordlistExpert, type ToxicityWordlistExpertOptions } from './toxicity-wordlist-expert';
import { createTruncationExpert } from './truncation-expert';

/** The experts that need no model, by the names `parley critic score --experts` takes. */
export const OFFLINE_EXPERT_NAMES = [...MODEL_FREE_FILTERS, 'toxicity-wordlist'] as const;
export type OfflineExpertName = (typeof OFFLINE_EXPERT_NAMES)[number];

export interface OfflineExpertsOptions {
  structure?: StructureExpertOptions;
  /** @defaultValue 0.06 */
  minGrounding?: number;
  /** Stem weights of grounding and roles, e.g. idfWeights of the file scored. @defaultValue uniform */
  weights?: StemWeights;
  roles?: RolesExpertOptions;
  copying?: CopyingExpertOptions;
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
      return createGroundingExpert({
        ...(options.minGrounding === undefined ? {} : { minGrounding: options.minGrounding }),
        ...(options.weights ? { weights: options.weights } : {}),
      });
    case 'roles':
      return createRolesExpert({
        ...(options.weights ? { weights: options.weights } : {}),
        ...options.roles,
      });
    case 'copying':
      return createCopyingExpert(options.copying);
    case 'contradiction':
      return createContradictionExpert();
    case 'truncation':
      return createTruncationExpert();
    case 'repetition':
      return createRepetitionExpert(options.repetition);
    case 'near-duplicate':
      return createNearDuplicateExpert(options.nearDuplicate);
    case 'toxicity-wordlist':
      return createToxicityWordlistExpert(options.wordlist);
  }
}
