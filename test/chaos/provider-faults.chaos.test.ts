import { describe, expect, it } from 'vitest';
import { providerFaults } from '../../chaos/scenarios/provider-faults';
import { runQuickScenario } from './quick-scenario';

// Short form of chaos scenario 4: the simulator's faults all at once, plus a hopeless provider.
describe('chaos: provider faults', () => {
  it('the run completes; retries stay within limits; exhausted pairs fail with a reason; tokens add up', {
    timeout: 150_000,
  }, async () => {
    const result = await runQuickScenario(providerFaults);
    const notes = result.notes.join('\n');
    expect(notes).toMatch(/mix: tokens simulator (\d+) in \/ (\d+) out, ledger \1 in \/ \2 out/);
    expect(notes).toMatch(/hopeless: failed pair .+: .*HTTP 50[03]/);
  });
});
