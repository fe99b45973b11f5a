import type { Scenario } from '../scenario';
import { badInput } from './bad-input';
import { batchCrash } from './batch-crash';
import { hostileContent } from './hostile-content';
import { load } from './load';
import { providerFaultModes, quotaBreaker } from './provider-fault-modes';
import { providerFaults } from './provider-faults';
import { redisRestart } from './redis-restart';
import { schedulerCrash } from './scheduler-crash';
import { secrets } from './secrets';
import { workerCrash } from './worker-crash';

/** Every scenario, in table order. */
export const SCENARIOS: Scenario[] = [
  workerCrash,
  schedulerCrash,
  redisRestart,
  providerFaults,
  ...providerFaultModes,
  quotaBreaker,
  batchCrash,
  badInput,
  hostileContent,
  secrets,
  load,
];
