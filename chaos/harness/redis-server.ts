import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../apps/cli/src/embedded/embedded-redis';

export interface RedisServerOptions {
  /** Append-only file on, fsynced as `appendfsync` says. @defaultValue true */
  appendOnly?: boolean;
  /** @defaultValue 'everysec' (Redis' default) */
  appendFsync?: 'always' | 'everysec' | 'no';
}

/**
 * A `redis-server` of our own on a free loopback port, with its data in a temp folder, that can
 * be stopped and started again on the same port and folder (a Redis restart). Only loopback.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    readonly folder: string,
    private readonly options: Required<RedisServerOptions>,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'parley-chaos-redis-'));
    const server = new RedisServer(await freePort(), folder, {
      appendOnly: options.appendOnly ?? true,
      appendFsync: options.appendFsync ?? 'everysec',
    });
    await server.startProcess();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops the server: `SIGTERM` is Redis' graceful shutdown (AOF flushed), `SIGKILL` a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** Starts the server again on the same port and data folder; it reloads its AOF. */
  async restart(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.startProcess();
  }

  async close(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.folder, { recursive: true, force: true });
  }

  private async startProcess(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.folder,
        '--appendonly',
        this.options.appendOnly ? 'yes' : 'no',
        '--appendfsync',
        this.options.appendFsync,
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited at start:\n${output}`);
      const probe = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // not listening yet (or still loading the AOF)
      } finally {
        probe.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${this.url}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
