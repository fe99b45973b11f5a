import { type ExpertVerdict, speakerLabel } from '@parley/core';
import type { DirectFilterExpert } from './expert';
import { copiedPersonaSentences } from './persona-copying';

export interface CopyingExpertOptions {
  /**
   * Most of their own persona sentences a speaker may copy (nearly) verbatim. SPC's own
   * conversations copy one in 30 % of speakers' turns, three or more in 2 %: a speaker who
   * pastes their profile copies them all. @defaultValue 3
   */
  maxCopiedPerSpeaker?: number;
}

/**
 * Offline copying filter: fails a conversation in which a speaker pastes their profile, i.e.
 * copies more than `maxCopiedPerSpeaker` of their persona sentences (nearly) verbatim into
 * their turns (see copiedPersonaSentences). Score: the most sentences one speaker copied.
 */
export function createCopyingExpert(options: CopyingExpertOptions = {}): DirectFilterExpert {
  const { maxCopiedPerSpeaker = 3 } = options;
  return {
    type: 'direct',
    name: 'copying',
    kind: 'filter',
    offline: true,
    async review(conversation): Promise<ExpertVerdict> {
      const copies = copiedPersonaSentences(conversation).filter((copy) => copy.persona === 'own');
      const perSpeaker = (['user1', 'user2'] as const).map((speaker) => ({
        speaker,
        sentences: [
          ...new Set(copies.filter((copy) => copy.speaker === speaker).map((copy) => copy.attribute)),
        ],
      }));
      const most = Math.max(...perSpeaker.map((entry) => entry.sentences.length));
      const passed = most <= maxCopiedPerSpeaker;
      const detail = perSpeaker
        .filter((entry) => entry.sentences.length > 0)
        .map(
          (entry) =>
            `${speakerLabel(entry.speaker)} copies ${entry.sentences.length} (${entry.sentences
              .slice(0, 3)
              .map((sentence) => JSON.stringify(sentence))
              .join(', ')}${entry.sentences.length > 3 ? ', …' : ''})`,
        )
        .join('; ');
      return {
        expert: 'copying',
        kind: 'filter',
        passed,
        score: most,
        rationale: `${most === 0 ? 'no persona sentence copied verbatim' : detail}${passed ? '' : `: more than ${maxCopiedPerSpeaker}`}`,
      };
    },
  };
}
