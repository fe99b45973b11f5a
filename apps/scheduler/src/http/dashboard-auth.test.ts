import { ConfigError, ParleyError, QUEUE_NAMES } from '@parley/core';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizedScope, constantTimeEqual } from './dashboard-auth';
import { assertBindAllowed, credentialsFromEnvironment } from './dashboard-credentials';
import { startDashboardServer } from './dashboard-server';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import { isLoopbackAddress } from './loopback-address';
import { rawRequest } from './raw-request-test-support';

const USER = 'operator';
const PASSWORD = 'correct-horse-battery';
const TOKEN = 'tok-4f9c2a71e0b34d8d9a6b';
const READ_TOKEN = 'read-7d1e0c9b55aa4f3e';
const ROUTES = ['/', '/runs/some-run', '/api/runs', '/metrics', '/queues/', '/queues/api/queues'];
// Passes the cross-site request guard, so these tests see what the scopes decide.
const SAME_SITE = { 'x-parley-request': '1' };

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('binding', () => {
  it('knows loopback addresses from the rest', () => {
    for (const host of ['127.0.0.1', '127.8.0.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'example.com', '128.0.0.1'])
      expect(isLoopbackAddress(host), host).toBe(false);
  });

  it('refuses a public address without credentials, with a message that says what to set', () => {
    expect(() => assertBindAllowed('0.0.0.0', undefined)).toThrow(/PARLEY_DASHBOARD_TOKEN/);
    expect(() => assertBindAllowed('0.0.0.0', undefined)).toThrow(ParleyError);
    expect(() => assertBindAllowed('127.0.0.1', undefined)).not.toThrow();
    expect(() => assertBindAllowed('0.0.0.0', { token: TOKEN })).not.toThrow();
    // A read token alone protects every route and allows no write at all.
    expect(() => assertBindAllowed('0.0.0.0', { readToken: READ_TOKEN })).not.toThrow();
  });

  it('does not start on a public address without credentials, and opens nothing', async () => {
    const error = await startDashboardServer({
      prefix: '{unused}',
      host: '0.0.0.0',
      port: 0,
      environment: {},
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('DASHBOARD_UNPROTECTED');
  });

  it('reads credentials from the environment and rejects half or weak ones', () => {
    expect(credentialsFromEnvironment({})).toBeUndefined();
    expect(credentialsFromEnvironment({ PARLEY_DASHBOARD_TOKEN: '' })).toBeUndefined();
    expect(credentialsFromEnvironment({ PARLEY_DASHBOARD_TOKEN: TOKEN })).toEqual({ token: TOKEN });
    expect(
      credentialsFromEnvironment({ PARLEY_DASHBOARD_USER: USER, PARLEY_DASHBOARD_PASSWORD: PASSWORD }),
    ).toEqual({ user: USER, password: PASSWORD });
    expect(() => credentialsFromEnvironment({ PARLEY_DASHBOARD_USER: USER })).toThrow(ConfigError);
    expect(() => credentialsFromEnvironment({ PARLEY_DASHBOARD_TOKEN: 'short' })).toThrow(/at least 8/);
  });

  it('reads the read token, and refuses one that is short or equal to a write secret', () => {
    expect(credentialsFromEnvironment({ PARLEY_DASHBOARD_READ_TOKEN: READ_TOKEN })).toEqual({
      readToken: READ_TOKEN,
    });
    expect(
      credentialsFromEnvironment({ PARLEY_DASHBOARD_TOKEN: TOKEN, PARLEY_DASHBOARD_READ_TOKEN: READ_TOKEN }),
    ).toEqual({ token: TOKEN, readToken: READ_TOKEN });
    const problems = (environment: NodeJS.ProcessEnv) => {
      try {
        credentialsFromEnvironment(environment);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ PARLEY_DASHBOARD_READ_TOKEN: 'short' })).toEqual([
      { path: 'PARLEY_DASHBOARD_READ_TOKEN', message: 'must be at least 8 characters' },
    ]);
    expect(problems({ PARLEY_DASHBOARD_TOKEN: TOKEN, PARLEY_DASHBOARD_READ_TOKEN: TOKEN })).toEqual([
      { path: 'PARLEY_DASHBOARD_READ_TOKEN', message: 'must differ from PARLEY_DASHBOARD_TOKEN' },
    ]);
    expect(
      problems({
        PARLEY_DASHBOARD_USER: USER,
        PARLEY_DASHBOARD_PASSWORD: PASSWORD,
        PARLEY_DASHBOARD_READ_TOKEN: PASSWORD,
      }),
    ).toEqual([
      { path: 'PARLEY_DASHBOARD_READ_TOKEN', message: 'must differ from PARLEY_DASHBOARD_PASSWORD' },
    ]);
  });
});

describe('authorization header', () => {
  const credentials = { user: USER, password: PASSWORD, token: TOKEN, readToken: READ_TOKEN };
  it('gives the write scope to the bearer token, the basic pair, and basic with the token as password', () => {
    expect(authorizedScope(`Bearer ${TOKEN}`, credentials)).toBe('write');
    expect(authorizedScope(basic(USER, PASSWORD), credentials)).toBe('write');
    expect(authorizedScope(basic('anyone', TOKEN), credentials)).toBe('write');
  });
  it('gives the read scope to the read token, as bearer or as a basic password', () => {
    expect(authorizedScope(`Bearer ${READ_TOKEN}`, credentials)).toBe('read');
    expect(authorizedScope(basic('prometheus', READ_TOKEN), credentials)).toBe('read');
    expect(authorizedScope(`Bearer ${READ_TOKEN}`, { readToken: READ_TOKEN })).toBe('read');
  });
  it('refuses everything else', () => {
    for (const header of [
      undefined,
      '',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${READ_TOKEN}x`,
      basic(USER, `${PASSWORD}!`),
      basic('intruder', PASSWORD),
      basic(USER, ''),
      `Basic ${Buffer.from(PASSWORD).toString('base64')}`,
      `Token ${TOKEN}`,
    ]) {
      expect(authorizedScope(header, credentials), String(header)).toBeUndefined();
    }
    expect(authorizedScope(basic(USER, PASSWORD), { token: TOKEN })).toBeUndefined();
    expect(authorizedScope(`Bearer ${TOKEN}`, { readToken: READ_TOKEN })).toBeUndefined();
  });
  it('compares whole values of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });
});

describe('a dashboard with credentials', () => {
  let test: TestDashboard;
  beforeAll(async () => {
    test = await startTestDashboard({
      environment: {
        PARLEY_DASHBOARD_USER: USER,
        PARLEY_DASHBOARD_PASSWORD: PASSWORD,
        PARLEY_DASHBOARD_TOKEN: TOKEN,
      },
      // These tests fail on purpose more often than the default limit allows.
      loginRateLimit: { maxFailures: 1_000, windowMs: 60_000 },
    });
  });
  afterAll(async () => test.close());

  it('answers 401 with a challenge on every route without them', async () => {
    expect(test.dashboard.protected).toBe(true);
    for (const route of ROUTES) {
      for (const authorization of [undefined, basic(USER, 'wrong-password'), 'Bearer wrong-token-123']) {
        const response = await fetch(new URL(route, test.dashboard.url), {
          headers: authorization ? { authorization } : {},
        });
        expect(response.status, `${route} ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        const body = await response.text();
        expect(body).not.toContain(PASSWORD);
        expect(body).not.toContain(TOKEN);
      }
    }
  });

  it('answers 200 on every route with them, and never echoes them', async () => {
    for (const route of ROUTES.filter((route) => route !== '/runs/some-run')) {
      for (const authorization of [basic(USER, PASSWORD), `Bearer ${TOKEN}`]) {
        const response = await fetch(new URL(route, test.dashboard.url), { headers: { authorization } });
        expect(response.status, `${route} ${authorization}`).toBe(200);
        const body = await response.text();
        expect(body).not.toContain(PASSWORD);
        expect(body).not.toContain(TOKEN);
      }
    }
    const missing = await fetch(new URL('/runs/some-run', test.dashboard.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(missing.status).toBe(404);
  });
});

describe('read and write scopes', () => {
  let test: TestDashboard;
  let generate: Queue;
  const call = (route: string, authorization: string, method = 'GET', body?: unknown) =>
    fetch(new URL(route, test.dashboard.url), {
      method,
      headers: {
        authorization,
        ...SAME_SITE,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  beforeAll(async () => {
    test = await startTestDashboard({
      allowActions: true,
      environment: {
        PARLEY_DASHBOARD_USER: USER,
        PARLEY_DASHBOARD_PASSWORD: PASSWORD,
        PARLEY_DASHBOARD_TOKEN: TOKEN,
        PARLEY_DASHBOARD_READ_TOKEN: READ_TOKEN,
      },
    });
    generate = new Queue(QUEUE_NAMES.generate, { connection: test.redis, prefix: test.prefix });
  });
  afterAll(async () => {
    await generate.close();
    await test.close();
  });

  it('lets the read token read every page, /metrics, the API and Bull Board', async () => {
    for (const authorization of [`Bearer ${READ_TOKEN}`, basic('prometheus', READ_TOKEN)]) {
      for (const route of ROUTES.filter((route) => route !== '/runs/some-run')) {
        const response = await call(route, authorization);
        expect(response.status, `${route} ${authorization}`).toBe(200);
        expect(await response.text()).not.toContain(READ_TOKEN);
      }
    }
  });

  it('refuses the read token every write with 403 and a message that says why, and changes nothing', async () => {
    const reader = `Bearer ${READ_TOKEN}`;
    const attempts: Array<[string, string, unknown?]> = [
      ['/api/runs', 'POST', { jobFile: 'job.yaml' }],
      ['/api/runs/some-run/cancel', 'POST', {}],
      ['/queues/api/queues/generate/pause', 'PUT'],
      ['/queues/api/queues/pause', 'PUT'],
      ['/queues/api/queues/generate/add', 'POST', { name: 'intruder', data: {} }],
      ['/queues/api/queues/generate/empty', 'PUT'],
    ];
    for (const [route, method, body] of attempts) {
      const response = await call(route, reader, method, body);
      expect(response.status, `${method} ${route}`).toBe(403);
      expect(await response.text(), `${method} ${route}`).toMatch(/read token.*write/i);
    }
    expect(await generate.isPaused()).toBe(false);
    expect(await generate.count()).toBe(0);
  });

  it('lets the write token and the basic pair write', async () => {
    for (const authorization of [`Bearer ${TOKEN}`, basic(USER, PASSWORD), basic('browser', TOKEN)]) {
      const pause = await call('/queues/api/queues/generate/pause', authorization, 'PUT');
      expect(pause.status, authorization).toBe(200);
      expect(await generate.isPaused()).toBe(true);
      expect((await call('/queues/api/queues/generate/resume', authorization, 'PUT')).status).toBe(200);
      expect(await generate.isPaused()).toBe(false);
      // Past the scope check, the API itself judges the request.
      const invalid = await call('/api/runs', authorization, 'POST', {});
      expect(invalid.status).toBe(400);
      expect(await invalid.text()).toMatch(/exactly one/);
    }
  });
});

describe('failed logins', () => {
  let test: TestDashboard;
  beforeAll(async () => {
    test = await startTestDashboard({
      environment: { PARLEY_DASHBOARD_TOKEN: TOKEN },
      loginRateLimit: { maxFailures: 3, windowMs: 60_000 },
    });
  });
  afterAll(async () => test.close());
  const get = (authorization?: string) =>
    fetch(new URL('/api/runs', test.dashboard.url), { headers: authorization ? { authorization } : {} });

  it('never limit successful logins or requests that carry no credentials', async () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      expect((await get(`Bearer ${TOKEN}`)).status).toBe(200);
      expect((await get()).status).toBe(401);
    }
  });

  it('answer 429 with Retry-After once an address has failed too often, even to the right token', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1)
      expect((await get(`Bearer wrong-token-${attempt}-xxxx`)).status).toBe(401);
    for (const authorization of ['Bearer wrong-token-4-xxxx', `Bearer ${TOKEN}`, undefined]) {
      const limited = await get(authorization);
      expect(limited.status, String(authorization)).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await limited.text()).toMatch(/too many failed logins/i);
    }
  });
});

describe('a loopback dashboard without credentials', () => {
  let test: TestDashboard;
  beforeAll(async () => {
    test = await startTestDashboard();
  });
  afterAll(async () => test.close());

  it('is open on loopback but answers only requests addressed to loopback (DNS rebinding)', async () => {
    expect(test.dashboard.protected).toBe(false);
    expect((await fetch(new URL('/api/runs', test.dashboard.url))).status).toBe(200);
    const { port } = test.dashboard;
    const rebound = await rawRequest(test.dashboard.url, '/api/runs', {
      headers: { host: `attacker.example:${port}` },
    });
    expect(rebound.status).toBe(421);
  });

  it('still lets anyone on this machine write, once past the cross-site request guard', async () => {
    const invalid = await fetch(new URL('/api/runs', test.dashboard.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...SAME_SITE },
      body: '{}',
    });
    expect(invalid.status).toBe(400);
  });
});
