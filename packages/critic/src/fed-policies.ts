import type { FedPolicy } from '@parley/core';

/**
 * The FED dialog-level qualities (Mehri & Eskenazi, 2020) that the paper's general-quality
 * experts use, each as a pairwise question and a short definition for the judge.
 */
export const FED_POLICIES: Record<FedPolicy, { question: string; definition: string }> = {
  depth: {
    question: 'discusses its topics in more depth',
    definition:
      'The speakers go beyond small talk: they follow a topic up with questions, details, reasons and experiences instead of hopping between shallow exchanges.',
  },
  coherency: {
    question: 'is more coherent and keeps a better conversation flow',
    definition:
      'Every turn follows from what was said before; topics change naturally; no non sequiturs, no answers to questions nobody asked.',
  },
  consistency: {
    question: 'is more consistent in the information its speakers give',
    definition:
      'What each speaker says about themselves and the world stays the same throughout; nobody contradicts an earlier turn or their own persona.',
  },
  diversity: {
    question: 'shows more diversity in its responses',
    definition:
      'Varied wording and sentence shapes, several topics, no repeated phrases or formulaic turns ("That sounds great!" again and again).',
  },
  likeability: {
    question: 'has speakers with more likeable personalities',
    definition:
      'The speakers are warm, curious about each other, polite and engaging: people you would enjoy talking to.',
  },
};
