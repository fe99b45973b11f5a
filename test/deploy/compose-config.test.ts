import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/parley-processes';

const run = promisify(execFile);
// Debian's docker-compose (1.29) validates a compose file offline; .ci/run installs it.
const COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((file) => existsSync(file));
const ENVIRONMENT = {
  PATH: process.env.PATH ?? '',
  REDIS_PASSWORD: 'redis-pass-0123',
  PARLEY_DASHBOARD_TOKEN: 'dashboard-token-0123',
};

interface ComposeService {
  user?: string;
  command?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  deploy?: { resources?: { limits?: { memory?: string } } };
}

async function composeConfig(files: string[], environment: NodeJS.ProcessEnv = ENVIRONMENT) {
  const { stdout } = await run(COMPOSE!, [...files.flatMap((file) => ['-f', file]), 'config'], {
    cwd: REPO_ROOT,
    env: environment,
  });
  return parse(stdout) as { services: Record<string, ComposeService> };
}

const seconds = (value: string | undefined) => {
  const match = /^(\d+)(s|m)$/.exec(value ?? '');
  return match ? Number(match[1]) * (match[2] === 'm' ? 60 : 1) : 10; // compose's default is 10 s
};

describe.runIf(COMPOSE !== undefined || process.env.CI === 'true')('docker-compose.yml', () => {
  it('is valid, alone and with the example overrides', async () => {
    expect(COMPOSE, 'docker-compose is not installed (apt-get install docker-compose)').toBeDefined();
    for (const extra of [
      [],
      ['deploy/docker-compose.secrets.yml'],
      ['deploy/docker-compose.override.example.yml'],
    ])
      await composeConfig([
        path.join(REPO_ROOT, 'docker-compose.yml'),
        ...extra.map((file) => path.join(REPO_ROOT, file)),
      ]);
  });

  it('runs Parley unprivileged, health-checked, limited, and stopped gently', async () => {
    const { services } = await composeConfig([path.join(REPO_ROOT, 'docker-compose.yml')]);
    for (const name of ['scheduler', 'worker', 'simulator']) {
      const service = services[name]!;
      expect(service.user, name).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(1);
      expect(service.deploy?.resources?.limits?.memory, name).toBeDefined();
    }
    expect(services.scheduler!.healthcheck!.test).toContain('health');
    expect(services.redis!.deploy?.resources?.limits?.memory).toBeDefined();
    // SIGKILL must not come before the worker's grace period is over.
    const worker = services.worker!;
    const grace = Number(worker.command![worker.command!.indexOf('--grace') + 1] ?? 30_000) / 1000;
    expect(seconds(worker.stop_grace_period)).toBeGreaterThan(grace);
  });

  it('puts Redis behind a password that every Parley process uses', async () => {
    const { services } = await composeConfig([path.join(REPO_ROOT, 'docker-compose.yml')]);
    expect(services.redis!.command).toEqual(expect.arrayContaining(['--requirepass', 'redis-pass-0123']));
    for (const name of ['scheduler', 'worker', 'simulator'])
      expect(services[name]!.environment?.REDIS_URL).toBe('redis://:redis-pass-0123@redis:6379');
    const { REDIS_PASSWORD: _omitted, ...withoutPassword } = ENVIRONMENT;
    await expect(
      composeConfig([path.join(REPO_ROOT, 'docker-compose.yml')], withoutPassword),
    ).rejects.toThrow(/set REDIS_PASSWORD/);
  });

  it('confines the run API to the mounted seed, data and release folders', async () => {
    const { services } = await composeConfig([path.join(REPO_ROOT, 'docker-compose.yml')]);
    const scheduler = services.scheduler!;
    expect(scheduler.environment?.PARLEY_API_DATA_DIRS).toBe('/app/seeds:/app/data');
    expect(scheduler.environment?.PARLEY_API_OUTPUT_ROOTS).toBe('/app/releases');
    expect(scheduler.volumes).toEqual(
      expect.arrayContaining([expect.stringMatching(/:\/app\/releases:rw$/)]),
    );
    expect(scheduler.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/:\/app\/jobs:ro$/)]));
  });
});
