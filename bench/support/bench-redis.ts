import { Redis } from 'ioredis';
import { spawnRedisServer } from '../../apps/cli/src/embedded/embedded-redis';

/** A redis-server of the benchmark's own: fresh, so its memory figures belong to one scenario. */
export interface BenchRedis {
  url: string;
  pid: number;
  /** `INFO memory` as numbers (used_memory, used_memory_peak, used_memory_rss, …). */
  memory(): Promise<Record<string, number>>;
  /** Polls used_memory every `intervalMs` and keeps the highest value seen. */
  startSampling(intervalMs?: number): void;
  /** Highest used_memory sampled, and the server's own used_memory_peak. */
  peak(): Promise<{ sampledBytes: number; peakBytes: number }>;
  close(): Promise<void>;
}

/** Starts a redis-server of its own (see spawnRedisServer) and samples its memory. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const server = await spawnRedisServer();
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await client.ping();
  let sampledBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const memory = async (): Promise<Record<string, number>> => {
    const text = await client.info('memory');
    const fields: Record<string, number> = {};
    for (const line of text.split('\r\n')) {
      const [key, value] = line.split(':');
      if (key && value !== undefined && /^-?\d+(\.\d+)?$/.test(value)) fields[key] = Number(value);
    }
    return fields;
  };
  return {
    url: server.url,
    pid: server.pid!,
    memory,
    startSampling(intervalMs = 200) {
      const sample = async () => {
        try {
          sampledBytes = Math.max(sampledBytes, (await memory()).used_memory ?? 0);
        } catch {
          // A sample lost to a busy server is not worth failing the benchmark for.
        }
      };
      timer = setInterval(() => void sample(), intervalMs);
    },
    async peak() {
      const fields = await memory();
      sampledBytes = Math.max(sampledBytes, fields.used_memory ?? 0);
      return { sampledBytes, peakBytes: fields.used_memory_peak ?? sampledBytes };
    },
    async close() {
      clearInterval(timer);
      client.disconnect();
      await server.close();
    },
  };
}
