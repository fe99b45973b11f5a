import { describe, expect, it } from 'vitest';
import { projectRunCost } from './cost-projection';

describe('projectRunCost', () => {
  it('scales what the pairs spent from the settled pairs to the planned ones', () => {
    expect(
      projectRunCost({ spentUsd: 0.1, pairsSettled: 10, pairsPlanned: 40, finished: false }),
    ).toBeCloseTo(0.4);
  });

  it('counts stages 1–3 once, not per pair', () => {
    const projected = projectRunCost({
      spentUsd: 0.5,
      spentByStage: { 'personas:bootstrap-personas': { costUsd: 0.3 }, generate: { costUsd: 0.2 } },
      pairsSettled: 25,
      pairsPlanned: 100,
      finished: false,
    });
    expect(projected).toBeCloseTo(0.3 + 0.2 * 4);
  });

  it('has nothing to scale before the first pair settles', () => {
    expect(projectRunCost({ spentUsd: 0.02, pairsSettled: 0, pairsPlanned: 40, finished: false })).toBeNull();
    expect(projectRunCost({ spentUsd: 0, pairsSettled: 0, pairsPlanned: 0, finished: false })).toBeNull();
  });

  it('is what was spent once the run is over, however far it got', () => {
    expect(projectRunCost({ spentUsd: 0.07, pairsSettled: 12, pairsPlanned: 40, finished: true })).toBe(0.07);
  });

  it('never scales down: more settled than planned (repeats) counts as all planned', () => {
    expect(
      projectRunCost({ spentUsd: 0.3, pairsSettled: 45, pairsPlanned: 40, finished: false }),
    ).toBeCloseTo(0.3);
  });
});
