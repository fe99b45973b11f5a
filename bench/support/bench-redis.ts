import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

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

/**
 * Starts `redis-server` on a free loopback port with no persistence and `noeviction` (the
 * policy BullMQ requires), in a temp folder removed on close.
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-bench-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      folder,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (error) {
      if (attempt > 100) {
        child.kill('SIGKILL');
        throw new Error(`redis-server on port ${port} did not start: ${(error as Error).message}`);
      }
      client.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
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
    url,
    pid: child.pid!,
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
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      await rm(folder, { recursive: true, force: true });
    },
  };
}
