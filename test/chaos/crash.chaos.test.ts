import { describe, expect, it } from 'vitest';
import { schedulerCrash } from '../../chaos/scenarios/scheduler-crash';
import { workerCrash } from '../../chaos/scenarios/worker-crash';
import { runQuickScenario } from './quick-scenario';

// Short forms of chaos scenarios 1 and 2 (`npm run chaos` runs the long ones).
describe('chaos: crashes', () => {
  it('a worker SIGKILLed mid-run (twice if it restarts in time): the run completes, every pair once', {
    timeout: 150_000,
  }, async () => {
    const result = await runQuickScenario(workerCrash);
    expect(result.notes.join('\n')).toMatch(/[12] SIGKILLs; [1-9]\d* active jobs taken back/);
  });

  it('the scheduler SIGKILLed mid-iteration and inside the release write: the release verifies, every pair once', {
    timeout: 150_000,
  }, async () => {
    const result = await runQuickScenario(schedulerCrash);
    expect(result.notes.join('\n')).toMatch(/no manifest/);
  });
});
