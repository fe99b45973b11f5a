import { stat, writeFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';

/** How often a long-running process proves it is alive. */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * Touches `file` every `intervalMs` while Redis answers a PING, so a container healthcheck
 * (`parley health --heartbeat FILE`) can tell a working process from one that hangs or lost
 * Redis for good. A process that cannot reach Redis stops touching it and turns unhealthy.
 */
export function startHeartbeat(
  file: string,
  redis: Redis,
  intervalMs = HEARTBEAT_INTERVAL_MS,
): { stop(): void } {
  const beat = async () => {
    try {
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), intervalMs).unref()),
      ]);
      await writeFile(file, `${new Date().toISOString()}\n`);
    } catch {
      // No beat this time: the file ages and the healthcheck says why.
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Whether the heartbeat file was touched within `maxAgeMs`; the reason when not. */
export async function heartbeatProblem(
  file: string,
  maxAgeMs: number,
  now = Date.now(),
): Promise<string | undefined> {
  let modified: number;
  try {
    modified = (await stat(file)).mtimeMs;
  } catch (error) {
    return `no heartbeat at ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): the process has not reached Redis yet, or is not running`;
  }
  const age = now - modified;
  if (age > maxAgeMs)
    return `heartbeat ${Math.round(age / 1000)} s old (limit ${Math.round(maxAgeMs / 1000)} s): the process is stuck or cannot reach Redis`;
  return undefined;
}
