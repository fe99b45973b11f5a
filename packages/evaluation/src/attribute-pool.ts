import type { SeededRandom } from '@parley/core';
import { contentStems } from '@parley/critic';
import { attributeKey } from './persona-key';

/** One distinct attribute of the pool. */
export interface PoolAttribute {
  text: string;
  /** attributeKey(text). */
  key: string;
  /** Content stems, for "same topic" look-ups. */
  stems: ReadonlySet<string>;
}

/**
 * Every distinct persona attribute seen in the evaluated data (target and reference), where the
 * faithfulness test draws attributes "from another profile". Draws are seeded by the caller.
 */
export class AttributePool {
  readonly attributes: readonly PoolAttribute[];

  constructor(attributes: Iterable<string>) {
    const byKey = new Map<string, PoolAttribute>();
    for (const text of attributes) {
      const key = attributeKey(text);
      if (key === '' || byKey.has(key)) continue;
      byKey.set(key, { text: text.trim(), key, stems: new Set(contentStems(text)) });
    }
    // A stable order, whatever order the data came in: draws depend only on the seed.
    this.attributes = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get size(): number {
    return this.attributes.length;
  }

  /** A random attribute whose key is not excluded (and that passes `accept`), or undefined. */
  pick(
    random: SeededRandom,
    excluded: ReadonlySet<string>,
    accept: (attribute: PoolAttribute) => boolean = () => true,
  ): PoolAttribute | undefined {
    const eligible = (attribute: PoolAttribute) => !excluded.has(attribute.key) && accept(attribute);
    // A few random probes find one fast in a big pool; the scan from a random start is the fallback.
    for (let probe = 0; probe < 16 && this.attributes.length > 0; probe++) {
      const candidate = this.attributes[random.below(this.attributes.length)]!;
      if (eligible(candidate)) return candidate;
    }
    const start = random.below(Math.max(1, this.attributes.length));
    for (let offset = 0; offset < this.attributes.length; offset++) {
      const candidate = this.attributes[(start + offset) % this.attributes.length]!;
      if (eligible(candidate)) return candidate;
    }
    return undefined;
  }
}
