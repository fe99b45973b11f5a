import { describe, expect, it } from 'vitest';
import { InMemoryNearDuplicateIndex } from './in-memory-near-duplicate-index';
import { estimateJaccard, lshBandKeys, minHashSignature, wordShingles } from './minhash';

function words(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`).join(' ');
}

describe('MinHash', () => {
  it('makes 3-word shingles, one shingle for a short text, none for an empty one', () => {
    expect([...wordShingles('The cat sat on the mat')]).toEqual([
      'the cat sat',
      'cat sat on',
      'sat on the',
      'on the mat',
    ]);
    expect([...wordShingles('Hi there')]).toEqual(['hi there']);
    expect(wordShingles('  ...  ').size).toBe(0);
  });

  it('estimates 1 for identical texts and about 0 for disjoint ones', () => {
    const text = words('alpha', 200);
    expect(estimateJaccard(minHashSignature(text), minHashSignature(text))).toBe(1);
    expect(estimateJaccard(minHashSignature(text), minHashSignature(words('beta', 200)))).toBeLessThan(0.05);
  });

  it('estimates a known Jaccard similarity within sampling error', () => {
    // 400 distinct words; the texts share their middle 200 words (198 shingles of 400 distinct).
    const shared = words('shared', 200);
    const first = `${words('left', 100)} ${shared}`;
    const second = `${shared} ${words('right', 100)}`;
    const a = wordShingles(first);
    const b = wordShingles(second);
    const exact = [...a].filter((shingle) => b.has(shingle)).length / new Set([...a, ...b]).size;
    const estimate = estimateJaccard(
      minHashSignature(first, { numHashes: 256 }),
      minHashSignature(second, { numHashes: 256 }),
    );
    expect(exact).toBeCloseTo(0.494, 2);
    expect(Math.abs(estimate - exact)).toBeLessThan(0.1);
  });

  it('is 0 against an empty signature and refuses signatures of different lengths', () => {
    expect(estimateJaccard([], minHashSignature('a b c'))).toBe(0);
    expect(() =>
      estimateJaccard(minHashSignature('a b c'), minHashSignature('a b c', { numHashes: 64 })),
    ).toThrow();
  });

  it('cuts signatures into band keys, equal for equal bands', () => {
    const signature = minHashSignature(words('x', 50));
    const keys = lshBandKeys(signature, 32);
    expect(keys).toHaveLength(32);
    expect(keys).toEqual(lshBandKeys([...signature], 32));
    expect(() => lshBandKeys(signature, 30)).toThrow(RangeError);
  });
});

describe('InMemoryNearDuplicateIndex', () => {
  it('finds near-duplicates through LSH and ignores unrelated texts', async () => {
    const index = new InMemoryNearDuplicateIndex();
    const base = words('story', 120);
    await index.add('original', minHashSignature(base));
    await index.add('other', minHashSignature(words('unrelated', 120)));
    const nearCopy = base.replace('story7 ', 'changed ');
    const matches = await index.findSimilar(minHashSignature(nearCopy));
    expect(matches.map((match) => match.id)).toEqual(['original']);
    expect(matches[0]!.similarity).toBeGreaterThan(0.9);
    expect(await index.findSimilar(minHashSignature(words('fresh', 120)))).toEqual([]);
  });

  it('replaces a signature added again under the same id', async () => {
    const index = new InMemoryNearDuplicateIndex();
    await index.add('a', minHashSignature(words('first', 80)));
    await index.add('a', minHashSignature(words('second', 80)));
    expect(index.size).toBe(1);
    expect(await index.findSimilar(minHashSignature(words('first', 80)))).toEqual([]);
    expect((await index.findSimilar(minHashSignature(words('second', 80))))[0]?.id).toBe('a');
  });
});
