import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprintOf } from './canonical-json';
import { naturalCompare } from './natural-compare';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, é: 'x' })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"é":"x"}',
    );
    expect(fingerprintOf({ a: 1, b: 2 })).toBe(fingerprintOf({ b: 2, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: { b: Number.NaN } })).toThrow('$.a.b: NaN has no JSON form');
    expect(() => canonicalJson({ f: () => 1 })).toThrow('$.f: a function has no JSON form');
  });
});

describe('naturalCompare', () => {
  it('orders digit runs as numbers and everything else by code unit', () => {
    const ids = [
      'pair-10',
      'pair-9',
      'pair-1',
      'pair-100',
      'pair-2b',
      'pair-2a',
      'pair-02',
      'alpha',
      'pair-99999999999999999999',
    ];
    expect([...ids].sort(naturalCompare)).toEqual([
      'alpha',
      'pair-1',
      'pair-02',
      'pair-2a',
      'pair-2b',
      'pair-9',
      'pair-10',
      'pair-100',
      'pair-99999999999999999999',
    ]);
    expect(naturalCompare('x', 'x')).toBe(0);
  });
});
