import type { ConsistencyOracle } from './build-profiles';
import { pairKey } from './build-profiles';
import { checkConsistencyStage } from './check-consistency-stage';
import { type ChunkDispatcher, planChunks } from './chunk-dispatcher';

/**
 * The LLM consistency check: unknown pairs are sent as `check-consistency` chunks (one chunk
 * plan per profile-building round, so chunk ids are stable across a resumed run). A pair
 * whose check failed for good counts as a contradiction: an unchecked attribute is never kept.
 */
export class ChunkedConsistencyOracle implements ConsistencyOracle {
  checks = 0;
  contradictions = 0;
  failedChecks = 0;
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    private readonly texts: readonly string[],
    private readonly dispatcher: ChunkDispatcher,
    private readonly chunkSize: number,
  ) {}

  lookup(first: number, second: number): boolean | undefined {
    return this.verdicts.get(pairKey(first, second));
  }

  async resolve(pairs: ReadonlyArray<readonly [number, number]>, round: number): Promise<void> {
    const items = pairs.map(([first, second]) => ({
      first: this.texts[first] as string,
      second: this.texts[second] as string,
    }));
    const chunks = planChunks(`check-consistency-r${round}`, items, this.chunkSize);
    const outputs = await this.dispatcher.runAll(checkConsistencyStage, chunks);
    const results = outputs.flatMap((output) => output.results);
    results.forEach((result, index) => {
      const [first, second] = pairs[index] as readonly [number, number];
      const contradiction = result.ok ? result.contradiction : true;
      this.checks++;
      if (!result.ok) this.failedChecks++;
      else if (contradiction) this.contradictions++;
      this.verdicts.set(pairKey(first, second), contradiction);
    });
  }
}
