import { randomUUID } from 'node:crypto';
import { createRedisConnection, keyPrefix } from '@parley/core';
import type { Redis } from 'ioredis';
import { type DashboardServerOptions, type RunningDashboard, startDashboardServer } from './dashboard-server';

/** A dashboard on a free loopback port over a namespace of its own, for tests. */
export interface TestDashboard {
  dashboard: RunningDashboard;
  namespace: string;
  prefix: string;
  redis: Redis;
  /** Closes the server and deletes every key of the namespace. */
  close(): Promise<void>;
}

export async function startTestDashboard(
  options: Partial<DashboardServerOptions> = {},
): Promise<TestDashboard> {
  const namespace = `test-dashboard-${randomUUID().slice(0, 8)}`;
  const prefix = keyPrefix(namespace);
  const dashboard = await startDashboardServer({ prefix, port: 0, environment: {}, ...options });
  const redis = createRedisConnection();
  return {
    dashboard,
    namespace,
    prefix,
    redis,
    close: async () => {
      await dashboard.close();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
