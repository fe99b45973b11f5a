import { type ExpertVerdict, speakerLabel } from '@parley/core';
import type { DirectFilterExpert } from './expert';
import { personaRoles } from './persona-roles';
import type { StemWeights } from './stem-weights';

export interface RolesExpertOptions {
  /**
   * Lowest `margin` (own persona fit minus the exchanged fit, see personaRoles) that passes.
   * Below zero: a conversation whose speakers barely talk about themselves is not failed on
   * noise. @defaultValue -0.12
   */
  minMargin?: number;
  /** Stem weights, e.g. idfWeights of the seed. @defaultValue UNIFORM_WEIGHTS */
  weights?: StemWeights;
}

/**
 * Offline roles filter: each speaker must sound like their own persona more than like the
 * other's. A conversation written for the personas the other way round (User 1 telling
 * User 2's facts) fails. Score: the margin.
 */
export function createRolesExpert(options: RolesExpertOptions = {}): DirectFilterExpert {
  const { minMargin = -0.12, weights } = options;
  return {
    type: 'direct',
    name: 'roles',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const roles = personaRoles(conversation, weights);
      const passed = roles.margin >= minMargin;
      const detail = roles.speakers
        .map(
          (speaker) =>
            `${speakerLabel(speaker.speaker)} fits own persona ${speaker.own.toFixed(2)}, the other's ${speaker.other.toFixed(2)}`,
        )
        .join('; ');
      return {
        expert: 'roles',
        kind: 'filter',
        passed,
        score: roles.margin,
        rationale: `roles margin ${roles.margin.toFixed(3)} ${passed ? '≥' : '<'} ${minMargin}: ${detail}`,
      };
    },
  };
}
