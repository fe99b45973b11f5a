import { describe, expect, it } from 'vitest';
import { criticConfigSchema } from '../config/critic-config';
import { filterCascadeOrder, orderExperts } from './expert-order';

describe('filterCascadeOrder', () => {
  it('puts the offline filters first, each in its configured order', () => {
    const critic = criticConfigSchema.parse({ model: 'sim' });
    const order = filterCascadeOrder(critic);
    // The defaults: whatever the offline ones are, the two model filters come last, in order.
    expect(order.slice(-2)).toEqual(['toxicity', 'faithfulness']);
    expect(new Set(order)).toEqual(new Set(critic.filters));
    expect(
      filterCascadeOrder(
        criticConfigSchema.parse({
          model: 'sim',
          toxicity: 'wordlist',
          filters: ['faithfulness', 'toxicity', 'grounding', 'faithfulness', 'structure'],
        }),
      ),
    ).toEqual(['toxicity', 'grounding', 'structure', 'faithfulness']);
    expect(
      filterCascadeOrder(
        criticConfigSchema.parse({
          model: 'sim',
          toxicity: 'moderation',
          filters: ['toxicity', 'structure'],
        }),
      ),
    ).toEqual(['structure', 'toxicity']);
  });
});

describe('orderExperts', () => {
  it('orders counted experts by the cascade, strangers last, alphabetically', () => {
    const critic = criticConfigSchema.parse({ model: 'sim' });
    expect(orderExperts(['toxicity', 'zeta', 'structure', 'alpha', 'faithfulness'], critic)).toEqual([
      'structure',
      'toxicity',
      'faithfulness',
      'alpha',
      'zeta',
    ]);
    expect(orderExperts(['toxicity', 'structure'])).toEqual(['structure', 'toxicity']);
  });
});
