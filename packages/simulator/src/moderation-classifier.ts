import { hashString, uniformFrom } from '@parley/core';

/** The categories OpenAI's moderation endpoint reports, in its order. */
export const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;
export type ModerationCategory = (typeof MODERATION_CATEGORIES)[number];

export interface ModerationOutcome {
  flagged: boolean;
  categories: Record<ModerationCategory, boolean>;
  scores: Record<ModerationCategory, number>;
}

/**
 * A word-list classifier: a small built-in list of insults, hateful phrases, threats and
 * violence or self-harm words. Matching terms push their categories' scores above 0.5;
 * everything else gets a small, deterministic background score like a real classifier's.
 */
const TERM_LIST: [RegExp, ModerationCategory[]][] = [
  [
    /\b(idiot|idiots|moron|morons|stupid|dumb|loser|losers|pathetic|worthless|imbecile|jerk|shut up|ugly)\b/i,
    ['harassment'],
  ],
  [/\b(i hate you|nobody likes you|you disgust me)\b/i, ['harassment']],
  [
    /\b(i will|i'll|gonna|going to) (kill|hurt|beat|find|destroy) you\b/i,
    ['harassment/threatening', 'violence'],
  ],
  [/\b(subhuman|vermin|go back to your country|those people are animals|inferior race)\b/i, ['hate']],
  [/\b(exterminate|wipe them out|ethnic cleansing)\b/i, ['hate/threatening', 'violence']],
  [
    /\b(kill|murder|stab|stabbed|shoot|shot him|strangle|beat (him|her|them) up|massacre|bomb)\b/i,
    ['violence'],
  ],
  [/\b(blood everywhere|gore|dismember|mutilate)\b/i, ['violence/graphic']],
  [/\b(kill myself|suicide|end my life|hurt myself|cut myself)\b/i, ['self-harm', 'self-harm/intent']],
  [/\b(buy drugs|sell drugs|steal a car|make a bomb|launder money)\b/i, ['illicit']],
  [/\b(porn|explicit sex|nude pics)\b/i, ['sexual']],
];

// Global copies, compiled once, to count every occurrence.
const TERMS = TERM_LIST.map(([pattern, matched]) => [new RegExp(pattern.source, 'gi'), matched] as const);

export function moderateText(text: string): ModerationOutcome {
  const textHash = hashString(text);
  const scores = {} as Record<ModerationCategory, number>;
  const categories = {} as Record<ModerationCategory, boolean>;
  MODERATION_CATEGORIES.forEach((category, index) => {
    scores[category] = Number((uniformFrom(textHash, index) * 0.01).toFixed(6));
  });
  for (const [pattern, matched] of TERMS) {
    const hits = text.match(pattern)?.length ?? 0;
    if (hits === 0) continue;
    for (const category of matched) {
      scores[category] = Math.max(
        scores[category],
        Math.min(0.99, 0.6 + 0.15 * hits + uniformFrom(textHash, hits) * 0.05),
      );
    }
  }
  // A broader category follows its sub-category, as in the real endpoint.
  for (const category of MODERATION_CATEGORIES) {
    const parent = category.split('/')[0] as ModerationCategory;
    if (parent !== category) scores[parent] = Math.max(scores[parent], scores[category] * 0.9);
  }
  let flagged = false;
  for (const category of MODERATION_CATEGORIES) {
    categories[category] = scores[category] >= 0.5;
    flagged ||= categories[category];
  }
  return { flagged, categories, scores };
}
