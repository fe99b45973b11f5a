import type { ConsistencyOracle } from './build-profiles';
import { pairKey } from './build-profiles';
import { detectContradiction } from './detect-contradiction';

/** The offline consistency check ({@link detectContradiction}); knows every pair at once. */
export class HeuristicConsistencyOracle implements ConsistencyOracle {
  /** Contradictions found, by rule. */
  readonly contradictionsByRule: Record<string, number> = {};
  private readonly verdicts = new Map<string, boolean>();

  constructor(private readonly texts: readonly string[]) {}

  lookup(first: number, second: number): boolean {
    const key = pairKey(first, second);
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const finding = detectContradiction(this.texts[first] as string, this.texts[second] as string);
      verdict = finding.contradiction;
      if (finding.contradiction) {
        this.contradictionsByRule[finding.rule] = (this.contradictionsByRule[finding.rule] ?? 0) + 1;
      }
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  async resolve(): Promise<void> {
    // Every pair is known on lookup.
  }
}
