import { describe, expect, it } from 'vitest';
import { hostileContent } from '../../chaos/scenarios/hostile-content';
import { secrets } from '../../chaos/scenarios/secrets';
import { runQuickScenario } from './quick-scenario';

// Short forms of chaos scenarios 6 and 7.
describe('chaos: secrets and hostile content', () => {
  it('fake keys in use are in no Redis value, log line, release file or dashboard response', {
    timeout: 150_000,
  }, async () => {
    const result = await runQuickScenario(secrets);
    expect(result.notes.join('\n')).toMatch(/: 0 hits/);
  });

  it('hostile persona text round-trips through the release formats', { timeout: 120_000 }, async () => {
    const result = await runQuickScenario(hostileContent);
    expect(result.notes.join('\n')).toMatch(/SPC rows read back in the documented form/);
  });
});
