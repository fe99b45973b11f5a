import { type ExpertVerdict, speakerLabel } from '@parley/core';
import type { DirectFilterExpert } from './expert';
import { personaGrounding } from './persona-grounding';

export interface GroundingExpertOptions {
  /** Lowest persona-grounding score that passes, in [0, 1]. @defaultValue 0.1 */
  minGrounding?: number;
}

/** Offline persona-grounding filter (see personaGrounding); its score also breaks vote ties. */
export function createGroundingExpert(options: GroundingExpertOptions = {}): DirectFilterExpert {
  const { minGrounding = 0.1 } = options;
  return {
    type: 'direct',
    name: 'grounding',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const grounding = personaGrounding(conversation);
      const perSpeaker = grounding.speakers
        .map((speaker) => {
          const touched = speaker.attributes.filter((attribute) => attribute.matched.length > 0).length;
          const score = speaker.score === null ? 'no persona' : speaker.score.toFixed(2);
          return `${speakerLabel(speaker.speaker)} ${score} (${touched}/${speaker.attributes.length} attributes touched)`;
        })
        .join(', ');
      const passed = grounding.score >= minGrounding;
      return {
        expert: 'grounding',
        kind: 'filter',
        passed,
        score: grounding.score,
        rationale: `grounding ${grounding.score.toFixed(3)} ${passed ? '≥' : '<'} ${minGrounding}: ${perSpeaker}`,
      };
    },
  };
}
