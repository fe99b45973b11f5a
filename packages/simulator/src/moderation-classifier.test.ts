import { describe, expect, it } from 'vitest';
import { MODERATION_CATEGORIES, moderateText } from './moderation-classifier';

describe('moderateText', () => {
  it('flags insults, threats, hate, violence and self-harm in their categories', () => {
    expect(moderateText('You are such an idiot.').categories.harassment).toBe(true);
    const threat = moderateText("I'll hurt you if you come back.");
    expect(threat.categories['harassment/threatening']).toBe(true);
    expect(threat.categories.violence).toBe(true);
    expect(moderateText('They are vermin.').categories.hate).toBe(true);
    expect(moderateText('He wanted to stab someone.').categories.violence).toBe(true);
    const selfHarm = moderateText('Sometimes I want to end my life.');
    expect(selfHarm.categories['self-harm']).toBe(true);
    expect(selfHarm.flagged).toBe(true);
  });

  it('leaves friendly text unflagged with small scores in every category', () => {
    const outcome = moderateText('I love to dance at the club and bake cakes for my friends.');
    expect(outcome.flagged).toBe(false);
    expect(Object.keys(outcome.scores)).toEqual([...MODERATION_CATEGORIES]);
    for (const score of Object.values(outcome.scores)) expect(score).toBeLessThan(0.05);
  });

  it('scores more matches higher', () => {
    const once = moderateText('You idiot.').scores.harassment;
    const thrice = moderateText('You idiot, you moron, you loser.').scores.harassment;
    expect(thrice).toBeGreaterThan(once);
  });
});
