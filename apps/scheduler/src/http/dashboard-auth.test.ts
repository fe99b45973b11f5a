import { ConfigError, ParleyError } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantTimeEqual, isAuthorized } from './dashboard-auth';
import { assertBindAllowed, credentialsFromEnvironment } from './dashboard-credentials';
import { startDashboardServer } from './dashboard-server';
import { startTestDashboard, type TestDashboard } from './dashboard-test-support';
import { isLoopbackAddress } from './loopback-address';

const USER = 'operator';
const PASSWORD = 'correct-horse-battery';
const TOKEN = 'tok-4f9c2a71e0b34d8d9a6b';
const ROUTES = ['/', '/runs/some-run', '/api/runs', '/metrics', '/queues/', '/queues/api/queues'];

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
});

describe('authorization header', () => {
  const credentials = { user: USER, password: PASSWORD, token: TOKEN };
  it('accepts the bearer token, the basic pair, and basic with the token as password', () => {
    expect(isAuthorized(`Bearer ${TOKEN}`, credentials)).toBe(true);
    expect(isAuthorized(basic(USER, PASSWORD), credentials)).toBe(true);
    expect(isAuthorized(basic('anyone', TOKEN), credentials)).toBe(true);
  });
  it('refuses everything else', () => {
    for (const header of [
      undefined,
      '',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      basic(USER, `${PASSWORD}!`),
      basic('intruder', PASSWORD),
      `Basic ${Buffer.from(PASSWORD).toString('base64')}`,
      `Token ${TOKEN}`,
    ]) {
      expect(isAuthorized(header, credentials), String(header)).toBe(false);
    }
    expect(isAuthorized(basic(USER, PASSWORD), { token: TOKEN })).toBe(false);
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
    const rebound = await new Promise<number>((resolve, reject) => {
      // fetch() cannot set Host; a raw request can.
      import('node:http').then(({ request }) => {
        const outgoing = request(
          { host: '127.0.0.1', port, path: '/api/runs', headers: { host: `attacker.example:${port}` } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        outgoing.on('error', reject);
        outgoing.end();
      }, reject);
    });
    expect(rebound).toBe(421);
  });
});
