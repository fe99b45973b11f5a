import { type ExpertVerdict, speakerLabel } from '@parley/core';
import type { DirectFilterExpert } from './expert';
import { personaGrounding } from './persona-grounding';
import type { StemWeights } from './stem-weights';

export interface GroundingExpertOptions {
  /** Lowest persona-grounding score that passes, in [0, 1]. @defaultValue 0.06 */
  minGrounding?: number;
  /** Stem weights, e.g. idfWeights of the seed. @defaultValue UNIFORM_WEIGHTS */
  weights?: StemWeights;
}

/**
 * Offline persona-grounding filter (see personaGrounding). It passes on the grounding of every
 * word the speakers said: a persona sentence they repeat still shows they talk about it. Its
 * score, which ranks finalists, breaks vote ties and orders the example pool, leaves copied
 * persona sentences out, so copying earns nothing there (the copying expert rejects pasting).
 */
export function createGroundingExpert(options: GroundingExpertOptions = {}): DirectFilterExpert {
  const { minGrounding = 0.06, weights } = options;
  return {
    type: 'direct',
    name: 'grounding',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const grounding = personaGrounding(conversation, { weights });
      const copyFree = personaGrounding(conversation, { ignoreCopies: true, weights }).score;
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
        score: copyFree,
        rationale: `grounding ${grounding.score.toFixed(3)} ${passed ? '≥' : '<'} ${minGrounding} (without copied persona sentences ${copyFree.toFixed(3)}): ${perSpeaker}`,
      };
    },
  };
}
