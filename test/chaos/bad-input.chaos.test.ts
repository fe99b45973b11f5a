import { describe, expect, it } from 'vitest';
import { BAD_INPUTS, badInput } from '../../chaos/scenarios/bad-input';
import { runQuickScenario } from './quick-scenario';

// Short form of chaos scenario 5 (`parley run --detach` only; `npm run chaos` adds embedded runs).
describe('chaos: bad input', () => {
  it('every job that cannot start stops with one message naming what and where, leaving nothing', {
    timeout: 150_000,
  }, async () => {
    const result = await runQuickScenario(badInput);
    expect(result.faults).toBe(
      `${BAD_INPUTS.length} bad jobs × 1 modes: ${BAD_INPUTS.length} stopped cleanly`,
    );
  });
});
